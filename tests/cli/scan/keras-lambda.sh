"$CUSTODY" scan --no-progress "$FIXTURES/keras/malicious/lambda_keras3.keras"
