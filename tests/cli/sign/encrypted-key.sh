# An encrypted key needs its passphrase; with it the signature verifies.
M="$SHARED/interop/model-signing-conformance/assets/models/simple"
printf "pw\n" >"$TMPDIR/pw"
"$CUSTODY" keygen -o "$TMPDIR/k" --curve p521 --passphrase-file "$TMPDIR/pw" >/dev/null
"$CUSTODY" sign "$M" --key "$TMPDIR/k" --signature "$TMPDIR/s" 2>"$TMPDIR/err" && exit 9
grep -q "passphrase" "$TMPDIR/err" || exit 8
"$CUSTODY" sign "$M" --key "$TMPDIR/k" --passphrase-file "$TMPDIR/pw" --signature "$TMPDIR/s" || exit 7
"$CUSTODY" verify "$M" --signature "$TMPDIR/s" --key "$TMPDIR/k.pub"
