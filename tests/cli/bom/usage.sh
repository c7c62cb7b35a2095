# No PATH, an unknown format, a spec version the format does not have, a bad SOURCE_DATE_EPOCH:
# each is a usage error and writes no BOM.
"$CUSTODY" bom && exit 9
"$CUSTODY" bom --format xml "$FIXTURES/bom/project" && exit 8
"$CUSTODY" bom --spec-version 1.5 "$FIXTURES/bom/project" && exit 7
"$CUSTODY" bom --format spdx --spec-version 1.6 "$FIXTURES/bom/project" && exit 6
SOURCE_DATE_EPOCH=yesterday "$CUSTODY" bom "$FIXTURES/bom/project" && exit 5
"$CUSTODY" bom diff only-one.json && exit 4
"$CUSTODY" bom -o "$TMPDIR/out.json" "$TMPDIR/missing"
rc=$?
[ -e "$TMPDIR/out.json" ] && exit 3
exit $rc
