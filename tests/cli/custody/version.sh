"$CUSTODY" --version
