"$CUSTODY" --help
