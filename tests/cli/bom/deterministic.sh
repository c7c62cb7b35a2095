# Same input, same SOURCE_DATE_EPOCH: byte-identical BOMs; the serial number follows the content.
export SOURCE_DATE_EPOCH=1700000000
"$CUSTODY" bom "$FIXTURES/bom/project" > "$TMPDIR/a" || exit 9
"$CUSTODY" bom -j 1 "$FIXTURES/bom/project" > "$TMPDIR/b" || exit 8
cmp "$TMPDIR/a" "$TMPDIR/b" || exit 7
"$CUSTODY" bom --format spdx "$FIXTURES/bom/project" > "$TMPDIR/c" || exit 6
"$CUSTODY" bom --format spdx "$FIXTURES/bom/project" | cmp - "$TMPDIR/c" || exit 5
SOURCE_DATE_EPOCH=1700000001 "$CUSTODY" bom "$FIXTURES/bom/project" > "$TMPDIR/d" || exit 4
s1=$(grep serialNumber "$TMPDIR/a"); s2=$(grep serialNumber "$TMPDIR/d")
[ "$s1" != "$s2" ] || exit 3
grep -E '"timestamp"|serialNumber' "$TMPDIR/a"
