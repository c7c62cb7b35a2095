"$CUSTODY" scan -j 1 "$FIXTURES/hfrepo-remote-code"
