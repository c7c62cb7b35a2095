# rules --format json is valid JSON; every rule has a unique namespaced id, a known severity and
# all text fields; every pickle policy entry has a class, every denylist entry a why, and
# allowlist entries carry only the saved-state limit.
"$CUSTODY" rules --format json >"$TMPDIR/rules.json" || exit 99
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const sev = ["critical", "high", "medium", "low", "info"];
const ids = new Set();
for (const r of d.rules) {
    if (!/^[a-z0-9][a-z0-9_.-]*\/[a-z0-9][a-z0-9_.-]*$/.test(r.id)) throw new Error(`bad id ${r.id}`);
    if (ids.has(r.id)) throw new Error(`duplicate id ${r.id}`);
    ids.add(r.id);
    if (!sev.includes(r.severity)) throw new Error(`${r.id}: severity ${r.severity}`);
    for (const k of ["title", "description", "remediation"])
        if (typeof r[k] !== "string" || r[k].length === 0) throw new Error(`${r.id}: no ${k}`);
}
let limited = 0;
for (const p of d.pickle_policy) {
    if (!["safe", "dangerous", "unknown"].includes(p.class) || !p.module || !p.name)
        throw new Error(`policy entry ${JSON.stringify(p)}`);
    if (p.class === "dangerous" && !p.why) throw new Error(`no why: ${JSON.stringify(p)}`);
    if (p.class === "safe" && p.why !== undefined) {
        if (!/saved state/.test(p.why)) throw new Error(`safe entry why: ${JSON.stringify(p)}`);
        limited++;
    }
}
if (limited < 10) throw new Error(`only ${limited} saved-state entries`);
for (const must of ["fs/symlink-outside", "fs/special-file", "scan/decode-error"])
    if (!ids.has(must)) throw new Error(`missing rule ${must}`);
console.log(`rules ok: ${d.rules.length} rules, ${d.pickle_policy.length} policy entries`);
' "$TMPDIR/rules.json"
