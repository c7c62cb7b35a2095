# Tool configs that are JSONC by convention (tsconfig.json with comments and trailing commas)
# are not damaged JSON; a model's config.json with a comment is (json.loads refuses it), and so
# is a document with a duplicate key (a parser differential) whatever its name.
mkdir -p "$TMPDIR/app" "$TMPDIR/model"
printf '{\n  "compilerOptions": { "strict": true, },\n  // paths\n  "include": ["src"], /* all */\n}\n' >"$TMPDIR/app/tsconfig.json"
printf '{"a": 1, "a": 2}\n' >"$TMPDIR/app/dupes.json"
printf '{\n  "architectures": ["X"], // hidden\n  "model_type": "x"\n}\n' >"$TMPDIR/model/config.json"
"$CUSTODY" scan --no-progress --fail-on info "$TMPDIR/app" "$TMPDIR/model"
