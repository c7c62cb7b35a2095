# Found while walking a directory, an unknown lockfile version is a high finding (exit 1).
cd "$TMPDIR" && mkdir -p proj && printf 'lockfileVersion: 99.0\npackages: {}\n' > proj/pnpm-lock.yaml
"$CUSTODY" scan proj
