# model-transparency v1.1.0 key vector: verified, the ignored file and the signature named.
cd "$SHARED/interop/model-transparency/scripts-tests" && "$CUSTODY" verify ./v1.1.0-elliptic-key --signature ./v1.1.0-elliptic-key/model.sig --key keys/certificate/signing-key-pub.pem
