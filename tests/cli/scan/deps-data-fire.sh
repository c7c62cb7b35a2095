# The data-driven deps/ rules fire on real lockfile and requirements files, at the package's
# line; the store adds deps/vulnerable.
"$CUSTODY" db import-osv "$FIXTURES/osv/mini-osv.zip" --db "$TMPDIR/s.db" >/dev/null || exit 9
"$CUSTODY" scan --no-progress --db "$TMPDIR/s.db" "$FIXTURES/deps-data/fire"
