# Every dependency a lockfile parser reports becomes a library component with its purl, in both
# formats. Skipped (77) while no lockfile parser is merged: the scan reports no components then.
p="$FIXTURES/bom/project"
"$CUSTODY" scan --format json --fail-on critical "$p/package-lock.json" > "$TMPDIR/scan.json" || exit 9
if ! grep -q '"components"' "$TMPDIR/scan.json"; then
    echo "no lockfile parser: the scan reports no components" >&2
    exit 77
fi
"$CUSTODY" bom "$p" > "$TMPDIR/cdx.json" || exit 8
"$CUSTODY" bom --format spdx "$p" > "$TMPDIR/spdx.json" || exit 7
grep -q '"software_packageUrl": "pkg:npm/left-pad@1.3.0"' "$TMPDIR/spdx.json" || exit 6
cat "$TMPDIR/cdx.json"
