# One missing path among good ones still fails the whole scan (exit 2), and the rest is reported.
mkdir "$TMPDIR/d" && printf '# plain notes, not a model\n' >"$TMPDIR/d/notes.txt"
"$CUSTODY" scan --no-progress --verbose "$TMPDIR/d" "$TMPDIR/gone.bin"
