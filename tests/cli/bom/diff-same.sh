# The same content as CycloneDX 1.6, 1.7 and SPDX: no differences, whatever the formats.
"$CUSTODY" bom "$FIXTURES/bom/project" > "$TMPDIR/a.json" || exit 9
"$CUSTODY" bom --spec-version 1.7 "$FIXTURES/bom/project" > "$TMPDIR/b.json" || exit 8
"$CUSTODY" bom --format spdx "$FIXTURES/bom/project" > "$TMPDIR/c.json" || exit 7
"$CUSTODY" bom diff "$TMPDIR/a.json" "$TMPDIR/b.json" || exit 6
"$CUSTODY" bom diff "$TMPDIR/c.json" "$TMPDIR/a.json" || exit 5
"$CUSTODY" bom diff "$TMPDIR/a.json" "$TMPDIR/c.json"
