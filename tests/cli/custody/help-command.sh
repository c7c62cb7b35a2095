"$CUSTODY" help scan
