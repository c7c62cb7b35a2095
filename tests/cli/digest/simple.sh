# The OMS conformance "simple" model without ignore-me: the subject of the spec's key bundle.
M="$SHARED/interop/model-signing-conformance/assets/models/simple"
"$CUSTODY" digest --ignore-paths "$M/ignore-me" "$M"
cd "$M/.." && "$CUSTODY" digest --ignore-paths=simple/ignore-me simple
