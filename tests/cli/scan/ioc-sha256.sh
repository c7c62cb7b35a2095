# --ioc-sha256 adds an indicator to the worm-file matcher: a harmless file whose SHA-256 is
# given is reported as deps/worm-file (critical), by name; repeatable, any case.
printf 'harmless notes\n' > "$TMPDIR/notes.txt"
printf 'other\n' > "$TMPDIR/other.txt"
"$CUSTODY" scan --no-progress \
    --ioc-sha256 90032C5193FD773300228055EEA6B12712C4304449F1443FEE99FF7F42F74DF6 \
    --ioc-sha256 0000000000000000000000000000000000000000000000000000000000000000 "$TMPDIR"
