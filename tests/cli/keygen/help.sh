"$CUSTODY" keygen --help
