"$CUSTODY" db --help && "$CUSTODY" help db >/dev/null
