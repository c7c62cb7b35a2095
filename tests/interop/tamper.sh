#!/usr/bin/env bash
# Tamper suite: a model signed by `custody sign` (key and certificate methods) is changed in every
# way an attacker could, and `custody verify` must exit 1 naming the cause each time; the
# untouched model verifies (exit 0) before and after. Needs: custody ($CUSTODY), openssl, jq,
# base64. $SHARED: the shared/ tree (for the Sigstore wrong-identity case, skipped while keyless
# verification is unsupported).
set -u
CUSTODY=${CUSTODY:?CUSTODY must name the custody binary}
SHARED=${SHARED:-}
for t in openssl jq base64; do
    command -v $t >/dev/null || { echo "$t is needed" >&2; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 oks=0 skips=0

# expect NAME CODE REGEX -- command...
expect() {
    local name=$1 code=$2 re=$3
    shift 4
    "$@" >"$T/out" 2>&1
    local rc=$?
    if [ "$rc" = 2 ] && [ "$code" != 2 ] && grep -q unsupported "$T/out"; then
        echo "skip $name (unsupported: keyless verification not built)"
        skips=$((skips + 1))
        return
    fi
    if [ "$rc" != "$code" ] || ! grep -Eq -- "$re" "$T/out"; then
        echo "FAIL $name: exit $rc (want $code), output must match /$re/:"
        sed 's/^/    /' "$T/out" | head -20
        fails=$((fails + 1))
    else
        echo "ok   $name: $(grep -E -- "$re" "$T/out" | head -1 | cut -c1-150)"
        oks=$((oks + 1))
    fi
}

fresh() { # a clean model in $T/m
    rm -rf "$T/m"
    mkdir -p "$T/m/sub"
    yes "deterministic weights" | head -c 100000 >"$T/m/weights.bin"
    printf '{"arch": "tiny"}\n' >"$T/m/config.json"
    printf 'a b c\n' >"$T/m/sub/vocab.txt"
}

V() { "$CUSTODY" verify "$T/m" --signature "$T/m.sig" "$@"; }
KEY=(--key "$T/k.pub")

"$CUSTODY" keygen -o "$T/k" >/dev/null && "$CUSTODY" keygen -o "$T/other" >/dev/null || exit 2
fresh
"$CUSTODY" sign "$T/m" --key "$T/k" --signature "$T/m.sig" >/dev/null || exit 2
expect "untouched model verifies" 0 '^verified' -- V "${KEY[@]}"

# --- the files ---
printf '\x01' | dd of="$T/m/weights.bin" bs=1 seek=4242 conv=notrunc status=none
expect "byte flip" 1 "changed +weights.bin" -- V "${KEY[@]}"
fresh && "$CUSTODY" sign "$T/m" --key "$T/k" --signature "$T/m.sig" >/dev/null
truncate -s 50000 "$T/m/weights.bin"
expect "truncation" 1 "changed +weights.bin" -- V "${KEY[@]}"
fresh && "$CUSTODY" sign "$T/m" --key "$T/k" --signature "$T/m.sig" >/dev/null
printf 'import os\n' >"$T/m/sub/evil.py"
expect "added file" 1 "added +sub/evil.py" -- V "${KEY[@]}"
expect "added file, --allow-unsigned-files reports it" 0 "unsigned +sub/evil.py" -- \
    V "${KEY[@]}" --allow-unsigned-files
rm "$T/m/sub/evil.py" "$T/m/config.json"
expect "removed file" 1 "removed +config.json" -- V "${KEY[@]}"
expect "removed file, even with --allow-unsigned-files" 1 "removed +config.json" -- \
    V "${KEY[@]}" --allow-unsigned-files
fresh
mv "$T/m/sub/vocab.txt" "$T/m/sub/vocab2.txt"
expect "renamed file" 1 "removed +sub/vocab.txt" -- V "${KEY[@]}"
grep -q "added *sub/vocab2.txt" "$T/out" || { echo "FAIL renamed file: the new name is not reported"; fails=$((fails + 1)); }
fresh
cp "$T/m/config.json" "$T/outside.json"
rm "$T/m/config.json" && ln -s "$T/outside.json" "$T/m/config.json"
expect "symlink swapped in" 1 "symlink" -- V "${KEY[@]}"
expect "symlink swapped in, followed when allowed (same content)" 0 "^verified" -- \
    V "${KEY[@]}" --allow-symlinks
mkfifo "$T/m/pipe"
expect "FIFO added" 1 "neither a regular file" -- V "${KEY[@]}" --allow-symlinks
fresh

# --- the signature ---
cp "$T/m.sig" "$T/orig.sig"
payload=$(jq -r .dsseEnvelope.payload "$T/orig.sig" | base64 -d)
edited=$(printf '%s' "$payload" | sed 's/"name": "weights.bin"/"name": "weights.bim"/' | base64 -w0)
jq -c --arg p "$edited" '.dsseEnvelope.payload = $p' "$T/orig.sig" >"$T/m.sig"
expect "edited statement (file renamed in it)" 1 "signature does not verify" -- V "${KEY[@]}"
jq -c '.dsseEnvelope.payloadType = "application/json"' "$T/orig.sig" >"$T/m.sig"
expect "edited payload type" 1 "signature does not verify|payload type" -- V "${KEY[@]}"
jq -c '.dsseEnvelope.signatures[0].sig = "MEUCIQDfake0000000000000000000000000000000000000000000AiB0000000000000000000000000000000000000000000000="' \
    "$T/orig.sig" >"$T/m.sig"
expect "replaced signature bytes" 1 "does not verify" -- V "${KEY[@]}"
head -c 300 "$T/orig.sig" >"$T/m.sig"
expect "truncated bundle" 1 "not a readable Sigstore bundle" -- V "${KEY[@]}"
jq -c '.mediaType = "application/vnd.dev.sigstore.bundle+json;version=9.9"' "$T/orig.sig" >"$T/m.sig"
expect "unknown bundle version" 1 "media type" -- V "${KEY[@]}"
cp "$T/orig.sig" "$T/m.sig"
expect "wrong key (hint names another key)" 1 "wrong key" -- V --key "$T/other.pub"
jq -c 'del(.verificationMaterial.publicKey.hint)' "$T/orig.sig" >"$T/m.sig"
expect "wrong key (no hint)" 1 "does not verify with that key" -- V --key "$T/other.pub"
cp "$T/orig.sig" "$T/m.sig"
expect "key bundle given to the certificate method" 1 "no certificate" -- \
    V --cert-chain "$T/k.pub"

# --- certificates: a small PKI with openssl ca (dates chosen freely) ---
mkdir -p "$T/ca/new"
: >"$T/ca/index.txt"
cat >"$T/ca/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
dir = $T/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = p
copy_extensions = none
unique_subject = no
[ p ]
commonName = supplied
[ root ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ leaf ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
[ nosign ]
basicConstraints = critical,CA:false
keyUsage = critical,keyEncipherment
EOF
echo 1000 >"$T/ca/serial"
mkcert() { # name key ext start end [selfsign]
    openssl req -new -key "$2" -subj "/CN=$1" -out "$T/ca/$1.csr" 2>/dev/null
    if [ "${6:-}" = self ]; then
        openssl ca -batch -config "$T/ca/ca.cnf" -selfsign -keyfile "$2" -extensions "$3" \
            -startdate "$4" -enddate "$5" -in "$T/ca/$1.csr" -out "$T/ca/$1.pem" 2>/dev/null
    else
        openssl ca -batch -config "$T/ca/ca.cnf" -cert "$T/ca/root.pem" -keyfile "$T/ca/root.key" \
            -extensions "$3" -startdate "$4" -enddate "$5" -in "$T/ca/$1.csr" \
            -out "$T/ca/$1.pem" 2>/dev/null
    fi
}
openssl ecparam -name prime256v1 -genkey -noout -out "$T/ca/root.key.sec1" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$T/ca/root.key.sec1" -out "$T/ca/root.key"
openssl ecparam -name prime256v1 -genkey -noout -out "$T/ca/wrong.key" 2>/dev/null
mkcert root "$T/ca/root.key" root 20190101000000Z 20991231000000Z self
mkcert wrongroot "$T/ca/wrong.key" root 20190101000000Z 20991231000000Z self
mkcert good "$T/k" leaf 20200101000000Z 20991231000000Z
mkcert expired "$T/k" leaf 20200101000000Z 20200102000000Z
mkcert nosign "$T/k" nosign 20200101000000Z 20991231000000Z
for c in root good expired nosign wrongroot; do
    [ -s "$T/ca/$c.pem" ] || { echo "could not make test certificate $c" >&2; exit 2; }
done
"$CUSTODY" sign "$T/m" --key "$T/k" --cert "$T/ca/good.pem" --signature "$T/m.sig" >/dev/null
expect "certificate: good chain verifies" 0 "^verified" -- V --cert-chain "$T/ca/root.pem"
expect "certificate: wrong trust anchor" 1 "certificate chain does not verify" -- \
    V --cert-chain "$T/ca/wrongroot.pem"
"$CUSTODY" sign "$T/m" --key "$T/k" --cert "$T/ca/expired.pem" --signature "$T/m.sig" >/dev/null
expect "certificate: expired leaf" 1 "certificate has expired" -- V --cert-chain "$T/ca/root.pem"
"$CUSTODY" sign "$T/m" --key "$T/k" --cert "$T/ca/nosign.pem" --signature "$T/m.sig" >/dev/null
expect "certificate: leaf not allowed to sign" 1 "may not sign" -- V --cert-chain "$T/ca/root.pem"
expect "certificate: key does not match the leaf" 2 "does not match" -- \
    "$CUSTODY" sign "$T/m" --key "$T/other" --cert "$T/ca/good.pem" --signature "$T/x.sig"

# --- a root inside the bundle's chain counts only when it is a given anchor (as OpenSSL and the
# reference's pyOpenSSL store do) ---
if [ -n "$SHARED" ] && [ -d "$SHARED/interop/model-signing-conformance" ]; then
    K=$SHARED/interop/model-signing-conformance/assets/keys
    "$CUSTODY" sign "$T/m" --key "$K/certificate/signing-key.pem" \
        --cert "$K/certificate/signing-key-cert.pem" --cert-chain "$K/certificate/int-ca-cert.pem" \
        --cert-chain "$K/certificate/ca-cert.pem" --signature "$T/m.sig" >/dev/null
    expect "certificate: root in the bundle, and it is the anchor" 0 "^verified" -- \
        V --cert-chain "$K/certificate/ca-cert.pem"
    expect "certificate: root in the bundle, another anchor" 1 "self-signed certificate in certificate chain" -- \
        V --cert-chain "$K/wrong/wrong-ca-cert.pem"
fi

# --- Sigstore: wrong identity / issuer (model-transparency v1.1.0 bundle) ---
if [ -n "$SHARED" ] && [ -d "$SHARED/interop/model-transparency" ]; then
    mt=$SHARED/interop/model-transparency/scripts-tests
    expect "sigstore: wrong identity" 1 "identity|SAN" -- "$CUSTODY" verify "$mt/v1.1.0-sigstore" \
        --signature "$mt/v1.1.0-sigstore/model.sig" --ignore-paths "$mt/v1.1.0-sigstore/ignore-me" \
        --trusted-root "$SHARED/interop/sigstore/trusted_root.json" \
        --identity someone-else@example.com --issuer https://sigstore.verify.ibm.com/oauth2
fi

echo "tamper: $oks ok, $fails failed, $skips skipped"
[ $fails = 0 ] || exit 1
