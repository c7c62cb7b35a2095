$CUSTODY deps diff "$FIXTURES/deps/lockfile-lint/npm-clean/package-lock.json" "$FIXTURES/deps/lockfile-lint/npm-http/package-lock.json"
