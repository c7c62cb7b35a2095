# The demo: examples/ holds a malicious torch zip (os.system in data.pkl) and a clean state_dict.
# Exit 1; a critical finding naming os.system in malicious-model.pt; nothing for clean-model.pt.
# Needs the pickle and torch/zip analyzers: passes once they are merged.
"$CUSTODY" scan --no-progress --format json "$SRCDIR/examples" >"$TMPDIR/r.json"
rc=$?
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const bad = d.findings.filter((f) => f.path.endsWith("/malicious-model.pt"));
const crit = bad.filter((f) => f.severity === "critical" &&
                          /os\.system/.test(`${f.message} ${f.evidence || ""}`));
for (const f of crit) console.log(`critical ${f.rule_id} at ${f.location}: ${f.evidence}`);
const clean = d.findings.filter((f) => f.path.endsWith("/clean-model.pt") && f.severity !== "info");
for (const f of clean) console.log(`clean-model finding: ${f.severity} ${f.rule_id} ${f.message}`);
const cf = d.files.find((f) => f.path.endsWith("/clean-model.pt"));
console.log(`clean-model: status ${cf && cf.status}, format ${cf && cf.format}, ${clean.length} finding(s)`);
console.log(`verdict ${d.verdict}`);
' "$TMPDIR/r.json" || exit 99
exit $rc
