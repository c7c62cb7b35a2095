K="$SHARED/interop/model-signing-conformance/assets/keys/certificate"
"$CUSTODY" verify "$SHARED/interop/model-signing-conformance/assets/models/simple" --signature "$TMPDIR/none.sig" --key "$K/signing-key-pub.pem"
