# A symlink is refused by default (exit 2, naming it) and followed with --allow-symlinks.
mkdir "$TMPDIR/m" && printf 'This is a simple model' >"$TMPDIR/outside" && ln -s "$TMPDIR/outside" "$TMPDIR/m/symlink_file"
"$CUSTODY" digest "$TMPDIR/m" && exit 9
"$CUSTODY" digest --allow-symlinks "$TMPDIR/m" || exit 8
"$CUSTODY" digest "$TMPDIR/m"
