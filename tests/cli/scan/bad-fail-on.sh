"$CUSTODY" scan --fail-on severe .
