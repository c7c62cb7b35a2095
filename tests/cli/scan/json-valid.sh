# --format json is well-formed JSON (full schema checks: tests/validate/), for a tree with
# findings, a skipped file and a path that cannot be read.
mkdir "$TMPDIR/d" && mkfifo "$TMPDIR/d/pipe" && printf '# plain notes, not a model\n' >"$TMPDIR/d/notes.txt"
ln -s /etc/hostname "$TMPDIR/d/escape"
printf '\xff\xfe odd name\n' >"$TMPDIR/d/$(printf 'bad\xffname.txt')"
"$CUSTODY" scan --no-progress --format json "$TMPDIR/d" "$TMPDIR/missing" >"$TMPDIR/r.json"
rc=$?
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`parsed: ${d.files.length} files, ${d.findings.length} findings, verdict ${d.verdict}`);
' "$TMPDIR/r.json" || exit 99
exit $rc
