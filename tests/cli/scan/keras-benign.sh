"$CUSTODY" scan --no-progress "$FIXTURES/keras/benign"
