#!/usr/bin/env bash
# Runs one CLI golden case (zstd cli-tests style).
#   <case>.sh            the commands; $CUSTODY is the binary, $FIXTURES the fixture tree
#   <case>.exit          expected exit status (required)
#   <case>.stdout.exact  stdout must equal this file
#   <case>.stdout.grep   each line is an extended regex stdout must match
#   <case>.stderr.grep   each line is an extended regex stderr must match
#   <case>.stdout.nogrep each line is an extended regex stdout must NOT match
# A case that exits 77 (and does not expect 77) is skipped: ctest reports it as skipped, with the
# reason the case printed on stderr (e.g. chmod 000 means nothing to root).
set -u
case_sh=$1
base=${case_sh%.sh}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp"
( cd "$(dirname "$case_sh")" && bash "$case_sh" ) >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
want=$(cat "$base.exit")
if [ "$rc" = 77 ] && [ "$want" != 77 ]; then
    echo "skipped: $(cat "$tmp/err")"
    exit 77
fi
if [ "$rc" != "$want" ]; then
    echo "exit status $rc, expected $want"; fail=1
fi
if [ -f "$base.stdout.exact" ] && ! diff -u "$base.stdout.exact" "$tmp/out"; then
    echo "stdout differs"; fail=1
fi
if [ -f "$base.stdout.grep" ]; then
    while IFS= read -r re; do
        [ -z "$re" ] && continue
        grep -Eq -- "$re" "$tmp/out" || { echo "stdout lacks /$re/"; fail=1; }
    done <"$base.stdout.grep"
fi
if [ -f "$base.stdout.nogrep" ]; then
    while IFS= read -r re; do
        [ -z "$re" ] && continue
        grep -Eq -- "$re" "$tmp/out" && { echo "stdout has /$re/"; fail=1; }
    done <"$base.stdout.nogrep"
fi
if [ -f "$base.stderr.grep" ]; then
    while IFS= read -r re; do
        [ -z "$re" ] && continue
        grep -Eq -- "$re" "$tmp/err" || { echo "stderr lacks /$re/"; fail=1; }
    done <"$base.stderr.grep"
fi
if [ $fail -ne 0 ]; then
    echo "--- stdout"; head -c 4000 "$tmp/out"; echo "--- stderr"; head -c 4000 "$tmp/err"
fi
exit $fail
