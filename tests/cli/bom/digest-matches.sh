# The model's OMS root digest in the BOM is what `custody digest` prints for the directory,
# and each file's SHA-256 is its sha256sum.
m="$FIXTURES/bom/project/models/tiny-llama"
"$CUSTODY" bom -o "$TMPDIR/b.json" "$FIXTURES/bom/project" || exit 9
d=$("$CUSTODY" digest "$m") || exit 8
grep -q "\"value\": \"$d\"" "$TMPDIR/b.json" || { echo "root $d not in the BOM"; exit 7; }
s=$(sha256sum "$m/model.safetensors" | cut -d' ' -f1)
grep -q "\"content\": \"$s\"" "$TMPDIR/b.json" || { echo "file digest $s not in the BOM"; exit 6; }
s=$(sha256sum "$FIXTURES/bom/project/models/lone/mlp.onnx" | cut -d' ' -f1)
grep -q "\"content\": \"$s\"" "$TMPDIR/b.json" || { echo "lone file digest not in the BOM"; exit 5; }
echo ok
