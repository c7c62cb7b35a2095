# A GGUF whose chat template carries the CVE-2024-34359 payload fails the scan, naming the
# dunder access, the key and the line in the template.
"$CUSTODY" scan --no-progress "$FIXTURES/gguf/mal-ssti-cve-2024-34359.gguf"
