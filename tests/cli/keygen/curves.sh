# Every curve; 0600 private key; the public key is SPKI PEM; no overwrite without --force.
for c in p256 p384 p521; do
    "$CUSTODY" keygen -o "$TMPDIR/$c" --curve $c || exit 9
    [ "$(stat -c %a "$TMPDIR/$c")" = 600 ] || exit 8
    grep -q "BEGIN PUBLIC KEY" "$TMPDIR/$c.pub" || exit 7
    grep -q "BEGIN PRIVATE KEY" "$TMPDIR/$c" || exit 6
done
openssl pkey -in "$TMPDIR/p384" -noout -text 2>/dev/null | grep -q "P-384" || exit 5
printf "s3cret\n" >"$TMPDIR/pw"
"$CUSTODY" keygen -o "$TMPDIR/enc" --passphrase-file "$TMPDIR/pw" || exit 4
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$TMPDIR/enc" || exit 3
"$CUSTODY" keygen -o "$TMPDIR/p256" && exit 2
: >"$TMPDIR/only.pub" # the public half exists: nothing is left behind
"$CUSTODY" keygen -o "$TMPDIR/only" 2>/dev/null && exit 11
[ -e "$TMPDIR/only" ] && exit 10
"$CUSTODY" keygen -o "$TMPDIR/p256" --force
