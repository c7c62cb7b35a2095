# A .json document with a duplicate key is a json/malformed finding (loaders disagree on which
# value wins); a clean one is recognised and raises nothing.
d="$TMPDIR/j"; mkdir -p "$d"
printf '{"model_type": "bert", "model_type": "evil"}' > "$d/config.json"
printf '{\n  "architectures": ["BertModel"],\n  "hidden_size": 8\n}\n' > "$d/clean.json"
"$CUSTODY" scan --no-progress --verbose --fail-on medium "$d"
