#!/usr/bin/env bash
# Benchmark `custody scan` against picklescan and modelscan (see bench/README.md).
#
#   bash bench/run.sh            (or: make bench)
#
# Environment (all optional):
#   RUNS=3                     hyperfine runs per command (after one warmup run)
#   CASES="small dense big"    which corpus cases to measure
#   TOOLS="custody custody-j1 picklescan modelscan"
#   CUSTODY=build/release/custody
#   PICKLESCAN_SRC=bench/peers/picklescan   checkout of github.com/mmaitre314/picklescan
#   MODELSCAN_SRC=bench/peers/modelscan     checkout of github.com/protectai/modelscan
#   BENCH_PYTHON=/usr/bin/python3           interpreter for the corpus and the peers
#   RESULTS=bench/RESULTS.md                where the markdown table is written ("-": nowhere)
#   SMALL_FILES=3000 BIG_GIB=2.1            corpus sizes (only used when generating)
#   NO_BUILD=1                 do not (re)build the release preset
#   FETCH_PEERS=1              git clone missing peer checkouts from github.com first
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/work
OUTDIR=$WORK/out
PY=${BENCH_PYTHON:-/usr/bin/python3}
RUNS=${RUNS:-3}
CASES=${CASES:-small dense big}
TOOLS=${TOOLS:-custody custody-j1 picklescan modelscan}
CUSTODY=${CUSTODY:-$ROOT/build/release/custody}
PICKLESCAN_SRC=${PICKLESCAN_SRC:-$BENCH/peers/picklescan}
MODELSCAN_SRC=${MODELSCAN_SRC:-$BENCH/peers/modelscan}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

for t in hyperfine /usr/bin/time "$PY"; do
    command -v "$t" >/dev/null || die "$t not found (apt-get install hyperfine time python3)"
done
/usr/bin/time -v true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time (apt-get install time)"

# ---- custody: build the release preset if needed --------------------------------------------
if [ -z "${NO_BUILD:-}" ] && [ "$CUSTODY" = "$ROOT/build/release/custody" ]; then
    (cd "$ROOT" && { [ -f build/release/CMakeCache.txt ] || cmake --preset release >/dev/null; } \
        && cmake --build --preset release -j "$(nproc)" >/dev/null) || die "release build failed"
fi
[ -x "$CUSTODY" ] || die "custody binary not found at $CUSTODY"

# ---- peers: locate them, skip with a message when absent --------------------------------------
# FETCH_PEERS=1 clones a missing default checkout (needs network access to github.com).
if [ -n "${FETCH_PEERS:-}" ]; then
    for spec in "picklescan mmaitre314/picklescan $PICKLESCAN_SRC" \
        "modelscan protectai/modelscan $MODELSCAN_SRC"; do
        read -r _ repo dest <<<"$spec"
        if [ ! -e "$dest" ]; then
            say "cloning https://github.com/$repo into $dest"
            git clone -q --depth 1 "https://github.com/$repo" "$dest" || say "clone of $repo failed"
        fi
    done
fi
# PYTHONPATH must name the directory that contains the package.
peer_path() { # name src-dir -> prints the PYTHONPATH entry or nothing
    local name=$1 src=$2
    if [ -d "$src/src/$name" ]; then echo "$src/src";
    elif [ -d "$src/$name" ]; then echo "$src";
    fi
}
PS_PATH=$(peer_path picklescan "$PICKLESCAN_SRC")
MS_PATH=$(peer_path modelscan "$MODELSCAN_SRC")
peer_version() { # src-dir: the .commit file written at extraction, else its own git HEAD
    local top
    if [ -f "$1/.commit" ]; then cut -c1-12 "$1/.commit"; return; fi
    top=$(git -C "$1" rev-parse --show-toplevel 2>/dev/null || true)
    if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$1" && pwd -P)" ]; then
        git -C "$1" rev-parse --short=12 HEAD
    else
        echo unknown
    fi
}

ERRF=$(mktemp)
active=()
for tool in $TOOLS; do
    case $tool in
    custody | custody-j1) active+=("$tool") ;;
    picklescan)
        if [ -z "$PS_PATH" ]; then
            say "SKIP picklescan: no checkout at $PICKLESCAN_SRC (git clone" \
                "https://github.com/mmaitre314/picklescan $BENCH/peers/picklescan, or set PICKLESCAN_SRC)"
        elif ! PYTHONPATH=$PS_PATH "$PY" -c 'import picklescan.scanner' 2>"$ERRF"; then
            say "SKIP picklescan: it does not import with $PY: $(tail -1 "$ERRF")"
        else active+=(picklescan); fi ;;
    modelscan)
        if [ -z "$MS_PATH" ]; then
            say "SKIP modelscan: no checkout at $MODELSCAN_SRC (git clone" \
                "https://github.com/protectai/modelscan $BENCH/peers/modelscan, or set MODELSCAN_SRC)"
        elif ! PYTHONPATH=$MS_PATH "$PY" -c 'import modelscan.cli' 2>"$ERRF"; then
            say "SKIP modelscan: it does not import with $PY: $(tail -1 "$ERRF")" \
                "(apt-get install python3-click python3-rich python3-tomlkit python3-numpy)"
        else active+=(modelscan); fi ;;
    *) die "unknown tool $tool" ;;
    esac
done
rm -f "$ERRF"

cmd_for() { # tool path -> the command line, for hyperfine --shell=none and for direct use
    case $1 in
    custody) echo "$CUSTODY scan --no-progress $2" ;;
    custody-j1) echo "$CUSTODY scan --no-progress -j 1 $2" ;;
    picklescan) echo "env PYTHONPATH=$PS_PATH $PY -m picklescan --path $2" ;;
    modelscan) echo "env PYTHONPATH=$MS_PATH $PY -m modelscan.cli -p $2" ;;
    esac
}

# ---- corpus -----------------------------------------------------------------------------------
mkdir -p "$WORK" "$OUTDIR"
case_list=${CASES// /,}
"$PY" "$BENCH/gen_corpus.py" --out "$WORK" --cases "$case_list" \
    --small "${SMALL_FILES:-3000}" --big-gib "${BIG_GIB:-2.1}"

case_path() {
    case $1 in
    small) echo "$WORK/small" ;;
    dense) echo "$WORK/dense.pkl" ;;
    big) echo "$WORK/big.pt" ;;
    *) die "unknown case $1" ;;
    esac
}
case "$ROOT$WORK" in *' '*) die "paths with spaces are not supported (hyperfine --shell=none)" ;; esac

# ---- measurements -----------------------------------------------------------------------------
# Modelscan looks for ./modelscan-settings.toml: run everything from the (empty) out directory.
cd "$OUTDIR"
for c in $CASES; do
    p=$(case_path "$c")
    cmds=()
    names=()
    for tool in "${active[@]}"; do
        cmds+=("$(cmd_for "$tool" "$p")")
        names+=(-n "$tool")
    done
    [ ${#cmds[@]} -gt 0 ] || die "no tool to run"
    say "== case $c: $p"
    # -i: scanners exit non-zero on findings; exit codes are kept in the JSON export.
    hyperfine --shell=none --warmup 1 --runs "$RUNS" -i --style basic \
        --export-json "$WORK/$c.json" "${names[@]}" "${cmds[@]}"
    for tool in "${active[@]}"; do
        # one extra run per tool and case under GNU time for the peak RSS; its output is kept
        # for the report's sanity columns (files seen, findings, exit status).
        # shellcheck disable=SC2046
        /usr/bin/time -v -o "$OUTDIR/$tool-$c.time" $(cmd_for "$tool" "$p") \
            >"$OUTDIR/$tool-$c.out" 2>"$OUTDIR/$tool-$c.err" || true
    done
    # machine-readable reports for the sanity column (not timed)
    case " ${active[*]} " in *" custody "*)
        "$CUSTODY" scan --no-progress --format json "$p" >"$OUTDIR/custody-$c.json" || true ;;
    esac
    case " ${active[*]} " in *" modelscan "*)
        rm -f "$OUTDIR/modelscan-$c.json"
        PYTHONPATH=$MS_PATH "$PY" -m modelscan.cli -p "$p" -r json -o "$OUTDIR/modelscan-$c.json" \
            >/dev/null 2>&1 || true ;;
    esac
done

# ---- machine and report -----------------------------------------------------------------------
{
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
    echo "mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "python=$("$PY" -c 'import platform; print(platform.python_version())')"
    echo "hyperfine=$(hyperfine --version | awk '{print $2}')"
    echo "custody=$("$CUSTODY" version 2>/dev/null | head -1 | sed "s/^custody //") ($(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo '?'))"
    [ -n "$PS_PATH" ] && echo "picklescan=$(peer_version "$PICKLESCAN_SRC")"
    [ -n "$MS_PATH" ] && echo "modelscan=$(peer_version "$MODELSCAN_SRC")"
    echo "runs=$RUNS"
} >"$WORK/machine.txt"

"$PY" "$BENCH/report.py" --work "$WORK" --cases "$CASES" --tools "${active[*]}" \
    --results "$RESULTS"
