#!/usr/bin/env bash
# sigstore-conformance bundle-verify cases (../shared/interop/sigstore-conformance/cases.tsv):
# every case is run twice, with the artifact path and with sha256:<digest>, as upstream does.
# Prints a pass/fail table; exits 1 on any mismatch with the expected outcome.
# Env: CUSTODY (binary), SHARED (the shared/ tree). Exit 77 (skip) when the data is absent.
set -u
dir="${SHARED:?}/interop/sigstore-conformance"
tsv="$dir/cases.tsv"
[ -f "$tsv" ] || { echo "no $tsv"; exit 77; }
prod="${SHARED}/interop/sigstore/trusted_root.json"
fail=0; total=0; ok=0
tmp=$(mktemp)
printf '%-58s %-6s %-9s %-9s %s\n' case expect path digest result
while IFS=$'\t' read -r name expect bundle artifact sha verify_by identity issuer key troot mt content; do
    [ "$name" = case ] && continue
    root="$prod"
    [ "$troot" != - ] && root="$dir/$troot"
    if [ "$verify_by" = key ]; then
        pol=(--key "$dir/$key")
    else
        pol=(--certificate-identity "$identity" --certificate-oidc-issuer "$issuer")
    fi
    res=()
    for input in "$dir/$artifact" "sha256:$sha"; do
        "$CUSTODY" verify-bundle --bundle "$dir/$bundle" "${pol[@]}" --trusted-root "$root" \
            "$input" >"$tmp" 2>&1
        rc=$?
        got=fail
        [ $rc -eq 0 ] && got=pass
        if [ $rc -gt 2 ]; then got="crash($rc)"; fi
        res+=("$got")
        if [ "$got" = "$expect" ]; then ok=$((ok + 1)); else
            fail=$((fail + 1))
            echo "  MISMATCH $name ($input): $(tail -c 300 "$tmp")"
        fi
        total=$((total + 1))
    done
    verdict=ok
    { [ "${res[0]}" = "$expect" ] && [ "${res[1]}" = "$expect" ]; } || verdict=MISMATCH
    printf '%-58s %-6s %-9s %-9s %s\n' "$name" "$expect" "${res[0]}" "${res[1]}" "$verdict"
done <"$tsv"
rm -f "$tmp"
echo "sigstore-conformance: $ok/$total runs as expected, $fail mismatches"
[ $fail -eq 0 ]
