# A model.sig next to the model is recorded as present (not verified) and left out of the root
# digest, as a signature does not sign itself.
cp -r "$FIXTURES/bom/project/models/tiny-llama" "$TMPDIR/m" || exit 9
printf '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}' > "$TMPDIR/m/model.sig"
d=$("$CUSTODY" digest --ignore-paths "$TMPDIR/m/model.sig" "$TMPDIR/m") || exit 8
"$CUSTODY" bom "$TMPDIR/m" > "$TMPDIR/b.json" || exit 7
grep -q "\"value\": \"$d\"" "$TMPDIR/b.json" || exit 6
cat "$TMPDIR/b.json"
