$CUSTODY deps diff "$FIXTURES/deps/lockfile-lint/npm-clean" "$FIXTURES/deps/cfg-clean"
