"$CUSTODY" scan --help
