# Between source and deployment: a weight file swapped, the licence changed, a file added, the
# lone ONNX model removed, a pickle with a payload added. Exit 1, each change listed.
cp -r "$FIXTURES/bom/project" "$TMPDIR/p" || exit 9
"$CUSTODY" bom "$TMPDIR/p" > "$TMPDIR/old.json" || exit 8
cp "$FIXTURES/gguf/benign-v2-chatml.gguf" "$TMPDIR/p/models/tiny-llama/tiny-llama-Q4_K_M.gguf"
sed -i 's/^license: apache-2.0/license: mit/' "$TMPDIR/p/models/tiny-llama/README.md"
printf 'extra\n' > "$TMPDIR/p/models/tiny-llama/notes.txt"
rm -r "$TMPDIR/p/models/lone"
mkdir "$TMPDIR/p/models/evil" && cp "$FIXTURES/malicious/call-_ctypes.dlopen.pkl" "$TMPDIR/p/models/evil/model.pkl"
"$CUSTODY" bom --format spdx "$TMPDIR/p" > "$TMPDIR/new.json" || exit 7
"$CUSTODY" bom diff "$TMPDIR/old.json" "$TMPDIR/new.json"
