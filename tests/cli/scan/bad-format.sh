"$CUSTODY" scan --format xml .
