"$CUSTODY" rules --help
