# A lockfile named on the command line that cannot be parsed fails closed: exit 2.
cd "$TMPDIR" && printf '{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0",}}}' > package-lock.json
"$CUSTODY" scan package-lock.json
