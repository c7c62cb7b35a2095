# Unreadable or unrecognised input is exit 2, never "no differences".
printf '{"hello": 1}' > "$TMPDIR/notbom.json"
"$CUSTODY" bom "$FIXTURES/bom/project" > "$TMPDIR/a.json" || exit 9
"$CUSTODY" bom diff "$TMPDIR/a.json" "$TMPDIR/notbom.json" && exit 8
printf '{"bomFormat": "CycloneDX", "components": [' > "$TMPDIR/trunc.json"
"$CUSTODY" bom diff "$TMPDIR/trunc.json" "$TMPDIR/a.json" && exit 7
"$CUSTODY" bom diff "$TMPDIR/a.json" "$TMPDIR/missing.json"
