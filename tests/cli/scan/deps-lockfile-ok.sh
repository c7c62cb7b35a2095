# A well-formed lockfile named explicitly passes.
cd "$TMPDIR" && printf '{"name":"p","lockfileVersion": 3, "packages": {"": {"dependencies": {"a": "^1"}}, "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "integrity": "sha512-AAAA"}}}' > package-lock.json
"$CUSTODY" scan package-lock.json
