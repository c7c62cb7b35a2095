$CUSTODY deps diff "$FIXTURES/deps/diff-install/old/package-lock.json" "$FIXTURES/deps/diff-install/new/package-lock.json"
