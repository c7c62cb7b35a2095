"$CUSTODY" sign "$SHARED/interop/model-signing-conformance/assets/models/simple"
