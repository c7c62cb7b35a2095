"$CUSTODY" digest --help
