# --format sarif is well-formed JSON naming SARIF 2.1.0 (schema checks: tests/validate/).
mkdir "$TMPDIR/d" && mkfifo "$TMPDIR/d/pipe"
"$CUSTODY" scan --no-progress --format sarif --fail-on low "$TMPDIR/d" >"$TMPDIR/r.sarif"
rc=$?
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const r = d.runs[0];
console.log(`sarif ${d.version}: ${r.results.length} result(s), first ${r.results[0].ruleId}`);
' "$TMPDIR/r.sarif" || exit 99
exit $rc
