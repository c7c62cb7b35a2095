# --format json: the v0.2.0 certificate vector, with its notes.
cd "$SHARED/interop/model-transparency/scripts-tests" && "$CUSTODY" verify ./v0.2.0-certificate --signature ./v0.2.0-certificate/model.sig --cert-chain keys/certificate/ca-cert.pem --format json
