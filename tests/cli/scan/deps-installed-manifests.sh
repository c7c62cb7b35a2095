# node_modules manifests are installed packages: the package itself is judged (an installed
# flatmap-stream@0.1.1 with no lockfile is critical), its own ranges and devDependencies are
# not (iconv-lite's devDependency errto, debug ^4.1.1 admitting the hijacked 4.4.2).
d="$TMPDIR/proj"
mkdir -p "$d/node_modules/flatmap-stream" "$d/node_modules/iconv-lite"
printf '{"name":"flatmap-stream","version":"0.1.1","main":"index.js"}\n' \
    >"$d/node_modules/flatmap-stream/package.json"
printf '{"name":"iconv-lite","version":"0.6.3","dependencies":{"debug":"^4.1.1"},"devDependencies":{"errto":"^0.2.1"}}\n' \
    >"$d/node_modules/iconv-lite/package.json"
"$CUSTODY" scan --no-progress "$d"
