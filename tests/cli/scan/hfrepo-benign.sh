"$CUSTODY" scan -j 1 --fail-on medium "$FIXTURES/hfrepo" "$FIXTURES/safetensors/benign"
