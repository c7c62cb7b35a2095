# A model file that is a symlink to a device is refused: no BOM, exit 2 (never an endless read).
cp -r "$FIXTURES/bom/project/models/tiny-llama" "$TMPDIR/m" || exit 9
ln -s /dev/zero "$TMPDIR/m/weights.bin" || exit 8
"$CUSTODY" bom -o "$TMPDIR/out.json" "$TMPDIR/m"
rc=$?
[ -e "$TMPDIR/out.json" ] && exit 7
exit $rc
