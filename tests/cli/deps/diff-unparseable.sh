$CUSTODY deps diff "$FIXTURES/deps/lockfile-lint/npm-clean" "$FIXTURES/deps/lockfile-lint/npm-broken"
