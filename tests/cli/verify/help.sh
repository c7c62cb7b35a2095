"$CUSTODY" verify --help
