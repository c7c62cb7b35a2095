# Real lockfiles from public projects (tests/fixtures/deps/real/README.md): each parses, has
# no finding at high or above (exit 0 at --fail-on high) and yields the expected package count.
rc_all=0
for f in hono-npm/package-lock.json hono-yarn1/yarn.lock hono-bun/bun.lock \
    jest-berry-v10/yarn.lock poetry-oldest/poetry.lock sigstore-reqhash/requirements.txt \
    flask-pipcompile/requirements/dev.txt; do
    out=$("$CUSTODY" scan --fail-on high --format json "$FIXTURES/deps/real/$f")
    rc=$?
    n=$(printf '%s\n' "$out" | grep -c '"kind": "library"')
    bad=$(printf '%s\n' "$out" | grep -c -E '"rule_id": "deps/(malformed|unsupported-version)"')
    echo "$f rc=$rc packages=$n unparsed=$bad"
    [ "$rc" = 0 ] || rc_all=1
done
exit $rc_all
