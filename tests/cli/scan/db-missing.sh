# scan --db with a store that cannot be read is a usage error, not a silent pass.
printf '{}' >"$TMPDIR/x.json"
"$CUSTODY" scan --no-progress --db "$TMPDIR/none.db" "$TMPDIR/x.json"
