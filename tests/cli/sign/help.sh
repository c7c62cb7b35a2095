"$CUSTODY" sign --help
