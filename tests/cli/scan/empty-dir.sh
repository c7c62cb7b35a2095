mkdir "$TMPDIR/empty"
"$CUSTODY" scan --no-progress "$TMPDIR/empty"
