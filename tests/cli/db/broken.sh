# A broken advisory fails the import with exit 2 and commits nothing; so do a missing dump, a
# file that is not a zip, a missing store for info and bad usage.
"$CUSTODY" db import-osv "$FIXTURES/osv/bad-osv.zip" --db "$TMPDIR/c.db" && exit 9
"$CUSTODY" db info --db "$TMPDIR/c.db" | grep -q '^advisories 0$' || exit 8
"$CUSTODY" db import-osv "$TMPDIR/missing.zip" --db "$TMPDIR/c.db" && exit 7
"$CUSTODY" db import-osv "$FIXTURES/osv/names-npm.txt" --db "$TMPDIR/c.db" && exit 6
"$CUSTODY" db info --db "$TMPDIR/none.db" && exit 5
"$CUSTODY" db import-names Go "$FIXTURES/osv/names-npm.txt" --db "$TMPDIR/c.db" && exit 4
"$CUSTODY" db frobnicate --db "$TMPDIR/c.db" && exit 3
"$CUSTODY" db import-osv "$FIXTURES/osv/bad-osv.zip" --db "$TMPDIR/c.db"
