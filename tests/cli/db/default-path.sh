# Without --db the store is $CUSTODY_DB (directories created), else ~/.cache/custody/custody.db.
CUSTODY_DB="$TMPDIR/a/b/store.db" "$CUSTODY" db import-osv "$FIXTURES/osv/mini-osv.zip" || exit 9
[ -f "$TMPDIR/a/b/store.db" ] || exit 8
HOME="$TMPDIR/home" CUSTODY_DB= "$CUSTODY" db import-osv "$FIXTURES/osv/mini-osv.zip" || exit 7
[ -f "$TMPDIR/home/.cache/custody/custody.db" ] || exit 6
CUSTODY_DB="$TMPDIR/a/b/store.db" "$CUSTODY" db info
