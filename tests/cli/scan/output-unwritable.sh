# A report that cannot be written is a usage error (exit 2), before anything is scanned.
"$CUSTODY" scan --no-progress -o "$TMPDIR/no/such/dir/report.txt" .
