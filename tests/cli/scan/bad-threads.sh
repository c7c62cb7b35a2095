"$CUSTODY" scan --threads many .
