"$CUSTODY" scan --max-depth 0 .
