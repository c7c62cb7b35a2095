# An empty model, or one holding only ignored files, has no digest.
mkdir "$TMPDIR/e" && "$CUSTODY" digest "$TMPDIR/e" && exit 9
printf x >"$TMPDIR/e/.gitignore" && "$CUSTODY" digest "$TMPDIR/e" && exit 8
"$CUSTODY" digest --no-ignore-git-paths "$TMPDIR/e" >/dev/null || exit 7
"$CUSTODY" digest "$TMPDIR/missing"
