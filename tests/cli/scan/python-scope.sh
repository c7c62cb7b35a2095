# Python outside model code (no config.json beside it) is listed at low; the same file beside a
# model's config.json is judged as model code (high); decode-and-run stays critical anywhere.
mkdir -p "$TMPDIR/app" "$TMPDIR/model"
printf 'import subprocess\nsubprocess.run(["ls", "-l"])\n' >"$TMPDIR/app/build.py"
cp "$TMPDIR/app/build.py" "$TMPDIR/model/helpers.py"
printf '{"architectures": ["X"]}\n' >"$TMPDIR/model/config.json"
printf 'import base64\nexec(base64.b64decode("cHJpbnQoMSk="))\n' >"$TMPDIR/app/run.py"
"$CUSTODY" scan --no-progress --fail-on info "$TMPDIR/app" "$TMPDIR/model"
