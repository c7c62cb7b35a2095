# Every lockfile that lockfile-lint flags is flagged by Custody too (tests/deps/).
node "$SRCDIR/tests/deps/compare_lockfile_lint.js"
