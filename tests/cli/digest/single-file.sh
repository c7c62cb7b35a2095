# A single-file model has one resource "."; root = sha256(sha256(file)).
"$CUSTODY" digest "$SHARED/interop/model-transparency/fixtures/file_model"
