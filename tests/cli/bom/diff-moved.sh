# Source and deployment in different directories: the same models match by type and name.
cp -r "$FIXTURES/bom/project" "$TMPDIR/src" && cp -r "$FIXTURES/bom/project" "$TMPDIR/deploy" || exit 9
"$CUSTODY" bom "$TMPDIR/src" > "$TMPDIR/a.json" || exit 8
"$CUSTODY" bom "$TMPDIR/deploy" > "$TMPDIR/b.json" || exit 7
"$CUSTODY" bom diff "$TMPDIR/a.json" "$TMPDIR/b.json" || exit 6
printf 'x' >> "$TMPDIR/deploy/models/lone/mlp.onnx"
"$CUSTODY" bom "$TMPDIR/deploy" > "$TMPDIR/c.json" || exit 5
"$CUSTODY" bom diff "$TMPDIR/a.json" "$TMPDIR/c.json"
