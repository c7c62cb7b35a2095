#!/usr/bin/env bash
# slsa-verifier cases (../shared/interop/slsa-verifier/cases.tsv): `artifact` rows run
# verify-attestation with the artifact and the policy flags; `bundle-only` rows run it with
# --bundle-only. Production trusted root. Prints a table; exits 1 on any mismatch.
set -u
dir="${SHARED:?}/interop/slsa-verifier"
tsv="$dir/cases.tsv"
[ -f "$tsv" ] || { echo "no $tsv"; exit 77; }
root="${SHARED}/interop/sigstore/trusted_root.json"
tmp=$(mktemp)
fail=0; total=0
printf '%-46s %-12s %-6s %-6s %s\n' case kind expect got verdict
while IFS=$'\t' read -r name kind prov artifact sha src branch tag vtag builder expect rest; do
    [ "$name" = case ] && continue
    args=(--provenance "$dir/$prov" --trusted-root "$root")
    if [ "$kind" = bundle-only ]; then
        args+=(--bundle-only)
    else
        args=("$dir/$artifact" "${args[@]}" --source-uri "$src")
        [ "$branch" != - ] && args+=(--source-branch "$branch")
        [ "$tag" != - ] && args+=(--source-tag "$tag")
        [ "$vtag" != - ] && args+=(--source-versioned-tag "$vtag")
        [ "$builder" != - ] && args+=(--builder-id "$builder")
    fi
    "$CUSTODY" verify-attestation "${args[@]}" >"$tmp" 2>&1
    rc=$?
    got=fail
    [ $rc -eq 0 ] && got=pass
    [ $rc -gt 2 ] && got="crash($rc)"
    verdict=ok
    if [ "$got" != "$expect" ]; then verdict=MISMATCH; fail=$((fail + 1)); fi
    total=$((total + 1))
    printf '%-46s %-12s %-6s %-6s %s  %s\n' "$name" "$kind" "$expect" "$got" "$verdict" \
        "$(tail -c 160 "$tmp" | tr '\n' ' ')"
done <"$tsv"
rm -f "$tmp"
echo "slsa-verifier: $((total - fail))/$total as expected, $fail mismatches"
[ $fail -eq 0 ]
