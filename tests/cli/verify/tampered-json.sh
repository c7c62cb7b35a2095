cp -r "$SHARED/interop/model-transparency/scripts-tests/v1.0.0-certificate" "$TMPDIR/m" && chmod -R u+w "$TMPDIR/m"
echo x >>"$TMPDIR/m/signme-2"
"$CUSTODY" verify "$TMPDIR/m" --signature "$TMPDIR/m/model.sig" --cert-chain "$SHARED/interop/model-transparency/scripts-tests/keys/certificate/ca-cert.pem" --format json
