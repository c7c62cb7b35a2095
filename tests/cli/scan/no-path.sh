"$CUSTODY" scan --no-progress
