# custody db import-osv: imports the tiny OSV dump, reports counts; info reads them back;
# re-importing replaces (same counts).
"$CUSTODY" db import-osv "$FIXTURES/osv/mini-osv.zip" --db "$TMPDIR/c.db" || exit 9
"$CUSTODY" db import-osv --db "$TMPDIR/c.db" "$FIXTURES/osv/mini-osv.zip" >/dev/null || exit 8
"$CUSTODY" db import-names npm "$FIXTURES/osv/names-npm.txt" --db "$TMPDIR/c.db" || exit 7
"$CUSTODY" db info --db "$TMPDIR/c.db"
