$CUSTODY deps --help
