# --format json: the same differences as objects; the verdict of a model that turned malicious.
cp -r "$FIXTURES/bom/project/models/tiny-llama" "$TMPDIR/m" || exit 9
"$CUSTODY" bom "$TMPDIR/m" > "$TMPDIR/old.json" || exit 8
cp "$FIXTURES/malicious/call-_ctypes.dlopen.pkl" "$TMPDIR/m/pytorch_model.bin"
"$CUSTODY" bom "$TMPDIR/m" > "$TMPDIR/new.json" || exit 7
"$CUSTODY" bom diff --format json "$TMPDIR/old.json" "$TMPDIR/new.json"
