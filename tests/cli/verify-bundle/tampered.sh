# verify-bundle: exit 0 for a good bundle, 1 with the cause for wrong identity / issuer /
# artifact, 2 for usage errors (no trusted root) and unreadable bundles.
d="$SHARED/interop/sigstore-conformance/bundle-verify"
root="$SHARED/interop/sigstore/trusted_root.json"
[ -d "$d" ] || { echo "no shared interop data" >&2; exit 77; }
id=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
iss=https://token.actions.githubusercontent.com
b="$d/happy-path-v0.3/bundle.sigstore.json"
"$CUSTODY" verify-bundle --bundle "$b" --certificate-identity "$id" --certificate-oidc-issuer "$iss" \
    --trusted-root "$root" "$d/a.txt" || exit 10
"$CUSTODY" verify-bundle --bundle "$b" --certificate-identity "$id.x" --certificate-oidc-issuer "$iss" \
    --trusted-root "$root" "$d/a.txt"; [ $? = 1 ] || exit 11
"$CUSTODY" verify-bundle --bundle "$b" --certificate-identity "$id" --certificate-oidc-issuer https://x \
    --trusted-root "$root" "$d/a.txt"; [ $? = 1 ] || exit 12
"$CUSTODY" verify-bundle --bundle "$b" --certificate-identity "$id" --certificate-oidc-issuer "$iss" \
    --trusted-root "$root" sha256:0000000000000000000000000000000000000000000000000000000000000000
[ $? = 1 ] || exit 13
"$CUSTODY" verify-bundle --bundle "$b" --certificate-identity "$id" --certificate-oidc-issuer "$iss" \
    "$d/a.txt"; [ $? = 2 ] || exit 14
"$CUSTODY" verify-bundle --bundle "$d/bundle-malformed-json_fail/bundle.sigstore.json" \
    --certificate-identity "$id" --certificate-oidc-issuer "$iss" --trusted-root "$root" "$d/a.txt"
[ $? = 2 ] || exit 15
echo tampered-ok
