#!/usr/bin/env bash
# Times `custody scan` on a generated 10,000-package package-lock.json (Step 4 acceptance:
# parse + emit well under 100 ms). Uses build/release/custody when present, else $CUSTODY.
set -eu
cd "$(dirname "$0")/.."
N=${N:-10000}
CUSTODY=${CUSTODY:-build/release/custody}
mkdir -p bench/work/deps
lock=bench/work/deps/package-lock.json
[ -f "$lock.$N" ] || { /usr/bin/python3 bench/gen_package_lock.py "$N" "$lock.$N.tmp" && mv "$lock.$N.tmp" "$lock.$N"; }
cp "$lock.$N" "$lock"
echo "$(wc -c < "$lock") bytes, $N packages"
# The audit (default text report), then the same audit with the JSON report, whose 10,000
# components (one per package, 8.5 MB) cost about as much again to build and write.
# CPU time (user+sys) is less sensitive to a loaded machine than wall time.
for fmt in text json; do
    "$CUSTODY" scan --no-progress --format $fmt "$lock" > /dev/null || true
    best=999999
    for i in 1 2 3 4 5 6 7 8 9 10; do
        t0=$(date +%s%N)
        "$CUSTODY" scan --no-progress --format $fmt "$lock" > /dev/null || true
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        [ "$ms" -lt "$best" ] && best=$ms
    done
    echo "custody scan --format $fmt $lock: best of 10 = ${best} ms (wall, whole process)"
    cpu=$( { /usr/bin/time -f "%U %S" "$CUSTODY" scan --no-progress --format $fmt "$lock" > /dev/null; } 2>&1 | tail -1 )
    echo "  cpu (user sys, s): $cpu; load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
