$CUSTODY deps diff --fail-on critical "$FIXTURES/deps/lockfile-lint/npm-clean" "$FIXTURES/deps/lockfile-lint/npm-git-unpinned"
