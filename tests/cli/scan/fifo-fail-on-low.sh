# The same FIFO fails the scan once --fail-on reaches its severity (low).
mkdir "$TMPDIR/d" && mkfifo "$TMPDIR/d/pipe"
timeout 30 "$CUSTODY" scan --no-progress --fail-on low "$TMPDIR/d"
