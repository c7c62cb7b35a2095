# A path that does not exist cannot be scanned: exit 2 (fail closed), and stderr names it.
"$CUSTODY" scan --no-progress "$TMPDIR/no-such-model.pt"
