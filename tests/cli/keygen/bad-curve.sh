"$CUSTODY" keygen -o "$TMPDIR/k" --curve secp256k1
