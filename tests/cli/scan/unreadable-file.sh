# A file the scanner may not read is an error (exit 2), never a silent pass. root reads a
# chmod 000 file anyway, so the case is skipped there (exit 77).
if [ "$(id -u)" = 0 ]; then
    echo "running as root: chmod 000 does not stop root from reading" >&2
    exit 77
fi
printf 'secret\n' >"$TMPDIR/locked.pkl"
chmod 000 "$TMPDIR/locked.pkl"
"$CUSTODY" scan --no-progress "$TMPDIR/locked.pkl"
