# docs/rules.md is the output of `custody rules --format md`. When this fails, a rule or a
# pickle policy entry changed without the docs: run `make docs` and commit docs/rules.md.
"$CUSTODY" rules --format md >"$TMPDIR/rules.md" || exit 99
if ! diff -u "$SRCDIR/docs/rules.md" "$TMPDIR/rules.md" >&2; then
    echo "docs/rules.md is stale: run 'make docs'" >&2
    exit 1
fi
echo "docs/rules.md is current"
