# An empty model (or one of only git files) is refused, as the OMS conformance suite asks.
"$CUSTODY" keygen -o "$TMPDIR/k" >/dev/null
mkdir "$TMPDIR/e" && printf x >"$TMPDIR/e/.gitignore"
"$CUSTODY" sign "$TMPDIR/e" --key "$TMPDIR/k" --signature "$TMPDIR/s"
