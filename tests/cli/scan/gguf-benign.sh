# Benign GGUF files (v1, v2, v3, several chat templates) and tokenizer_config.json pass.
"$CUSTODY" scan --no-progress "$FIXTURES/gguf/benign-v1.gguf" "$FIXTURES/gguf/benign-v2-chatml.gguf" "$FIXTURES/gguf/benign-align64-templates.gguf" "$FIXTURES/gguf/hf-benign-list"
