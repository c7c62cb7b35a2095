# custody digest equals the subject digest of every model-transparency reference signature
# (v0.3.1 .. v1.1.0; v0.2.0 has one subject per file), the signature and the case's
# ignore_paths left out.
MT="$SHARED/interop/model-transparency"
n=0
while IFS=$'\t' read -r case method cwd model sig pk cc id idp tr ign expect rest; do
    [ "$case" = case ] || [ "$expect" != pass ] && continue
    case $case in v0.2.0-*) continue ;; esac
    want=$(cd "$MT/$cwd" && sed -n 's/.*"payload": *"\([^"]*\)".*/\1/p' "$sig" | base64 -d |
           grep -o '"sha256": *"[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
    args=(--ignore-paths "$sig")
    if [ "$ign" != - ]; then
        IFS=, read -ra extra <<<"$ign"
        for x in "${extra[@]}"; do args+=(--ignore-paths "$x"); done
    fi
    got=$(cd "$MT/$cwd" && "$CUSTODY" digest "${args[@]}" "$model") || { echo "$case: exit $?"; exit 1; }
    if [ "$got" != "sha256:$want" ] || [ -z "$want" ]; then
        echo "$case: custody $got, signature sha256:$want"; exit 1
    fi
    n=$((n + 1))
done <"$MT/cases.tsv"
echo "matched $n"
