# attest writes a key-signed DSSE bundle v0.3 with SLSA provenance v1; verify-attestation
# accepts it with the key and the policy, and refuses a changed artifact, a wrong builder id,
# a wrong source and another key (exit 1).
command -v openssl >/dev/null || { echo "openssl CLI needed" >&2; exit 77; }
set -e
cd "$TMPDIR"
openssl ecparam -name prime256v1 -genkey -noout -out k.pem 2>/dev/null
openssl ec -in k.pem -pubout -out k.pub 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out other.pem 2>/dev/null
openssl ec -in other.pem -pubout -out other.pub 2>/dev/null
printf 'model bytes' >model.bin
printf 'more' >b.txt
"$CUSTODY" attest model.bin b.txt --key k.pem --builder-id https://ci.example/builder@v1 \
    --external-param repository=https://github.com/acme/model --external-param ref=refs/tags/v1.2.0 \
    --resolved-dep git+https://github.com/acme/model@sha256:$(printf x | sha256sum | cut -c1-64) \
    --started-on 2026-01-01T00:00:00Z --finished-on 2026-01-01T00:05:00Z -o prov.json
grep -q '"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"' prov.json
hint=$(sha256sum k.pub | cut -c1-64)
grep -q "\"hint\": \"$hint\"" prov.json
"$CUSTODY" verify-attestation model.bin --provenance prov.json --key k.pub \
    --builder-id https://ci.example/builder
"$CUSTODY" verify-attestation "sha256:$(sha256sum b.txt | cut -c1-64)" --provenance prov.json \
    --key k.pub
set +e
printf 'tampered' >model.bin
"$CUSTODY" verify-attestation model.bin --provenance prov.json --key k.pub; [ $? = 1 ] || exit 11
printf 'model bytes' >model.bin
"$CUSTODY" verify-attestation model.bin --provenance prov.json --key k.pub --builder-id x; [ $? = 1 ] || exit 12
"$CUSTODY" verify-attestation model.bin --provenance prov.json --key other.pub; [ $? = 1 ] || exit 13
"$CUSTODY" attest model.bin --key k.pem --builder-id b --resolved-dep nohash -o x.json; [ $? = 2 ] || exit 14
"$CUSTODY" attest model.bin --key k.pem --builder-id b --started-on yesterday -o x.json; [ $? = 2 ] || exit 15
if command -v node >/dev/null; then
    # the DSSE envelope alone, as a .intoto.jsonl line: verifies with the key, not keyless
    node -e 'const b=JSON.parse(require("fs").readFileSync("prov.json"));
             process.stdout.write(JSON.stringify(b.dsseEnvelope)+"\n")' >prov.intoto.jsonl
    "$CUSTODY" verify-attestation model.bin --provenance prov.intoto.jsonl --key k.pub || exit 16
    "$CUSTODY" verify-attestation model.bin --provenance prov.intoto.jsonl \
        --trusted-root "$SHARED/interop/sigstore/trusted_root.json" --source-uri github.com/a/b
    [ $? = 1 ] || exit 17
fi
echo roundtrip-ok
