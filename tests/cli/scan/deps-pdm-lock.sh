# pdm.lock, PDM 2 (lock_version 4.x: files and groups per package) and PDM 1 (3.x: hashes in
# [metadata.files], `sections`): a known-malicious and a typosquatted package at their lines, a
# git source pinned to a commit, a direct URL; the editable project itself is no dependency.
# bom records every package with its hashes and dev scope.
"$CUSTODY" scan --no-progress --fail-on info "$FIXTURES/deps/pdm" || rc=$?
"$CUSTODY" bom "$FIXTURES/deps/pdm" | node -e '
const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
const got = {};
for (const c of d.components) {
    const p = Object.fromEntries((c.properties || []).map(x => [x.name, x.value]));
    got[c.name] = `${c.version} ${p["custody:scope"]} ${(p["custody:integrity"] || "-").slice(0, 14)}`;
}
console.log(Object.keys(got).sort().map(k => `bom ${k} ${got[k]}`).join("\n"));
if (got.myproject) throw new Error("the editable project is listed");
' || exit 99
exit "${rc:-0}"
