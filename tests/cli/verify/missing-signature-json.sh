K="$SHARED/interop/model-signing-conformance/assets/keys/certificate"
"$CUSTODY" verify "$SHARED/interop/model-signing-conformance/assets/models/simple" --signature "$TMPDIR/none.sig" --key "$K/signing-key-pub.pem" --format json | jq -ce "{verified, unreadable}"
# exit status of custody, not of jq
exit ${PIPESTATUS[0]}
