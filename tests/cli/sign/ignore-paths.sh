# Ignore paths as the reference CLI takes them (relative to the working directory), recorded
# in the statement, honoured by verify without being repeated.
cp -r "$SHARED/interop/model-signing-conformance/assets/models/simple" "$TMPDIR/m" && chmod -R u+w "$TMPDIR/m"
"$CUSTODY" keygen -o "$TMPDIR/k" >/dev/null
cd "$TMPDIR" && "$CUSTODY" sign m --key k --ignore-paths m/ignore-me --signature m/model.sig >/dev/null || exit 9
jq -r .dsseEnvelope.payload m/model.sig | base64 -d | jq -c .predicate.serialization.ignore_paths
echo changed >m/ignore-me
"$CUSTODY" verify m --signature m/model.sig --key k.pub
