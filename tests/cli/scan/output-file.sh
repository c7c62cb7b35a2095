# -o FILE writes the report there and nothing to stdout; the exit status is the scan's.
mkdir "$TMPDIR/d" && mkfifo "$TMPDIR/d/pipe"
out=$("$CUSTODY" scan --no-progress --fail-on low --format json -o "$TMPDIR/report.json" "$TMPDIR/d")
rc=$?
if [ -n "$out" ]; then
    echo "stdout not empty with -o: $out" >&2
    exit 99
fi
cat "$TMPDIR/report.json"
exit $rc
