K="$SHARED/interop/model-signing-conformance/assets/keys/certificate"
"$CUSTODY" verify . --signature x --key "$K/signing-key-pub.pem" --cert-chain "$K/ca-cert.pem"
