# A symlink leaving the scanned tree is reported with its target and not followed.
mkdir "$TMPDIR/d" && printf 'outside\n' >"$TMPDIR/outside.txt"
ln -s ../outside.txt "$TMPDIR/d/escape"
ln -s /etc/hostname "$TMPDIR/d/absolute"
timeout 30 "$CUSTODY" scan --no-progress "$TMPDIR/d"
