# bun.lockb (bun's binary lockfile, formats 2 and 3, written by bun 1.1.38 and 1.2.23): parsed
# into packages with versions and direct/dev scope; the versions of the 2025-09-08 takeover
# are known-malicious; damage and unknown formats fail closed (deps/malformed,
# deps/unsupported-version, with the byte).
B="$FIXTURES/deps/bun-lockb"
for d in app workspace app-v3; do
    "$CUSTODY" scan --no-progress --format json "$B/$d/bun.lockb" |
        tr -d ' \n' | grep -o '"key":"deps.packages","value":"[0-9]*"' | sed "s|^|$d |"
done
# scope from the root's and the workspaces' dependency lists
"$CUSTODY" bom --format cyclonedx "$B/workspace/bun.lockb" | tr -d ' \n' |
    grep -o '"bom-ref":"pkg:npm/[a-z-]*@[0-9.]*"[^]]*' |
    grep -o '"bom-ref":"[^"]*"\|"custody:scope","value":"[a-z]*"' | paste -sd' ' |
    sed 's/"bom-ref"/\n&/g'
"$CUSTODY" scan --no-progress --fail-on info "$B/compromised" "$B/truncated" "$B/badstring" \
    "$B/format9"
