#!/usr/bin/env bash
# Typosquat index benchmark (issue #6 acceptance: 32,000 popular names indexed in < 50 ms).
# Compiles the index and the embedded lists with -O2 (no sanitizers) and runs
# bench/deps/typosquat_bench.c. Exit 1 when the build takes 50 ms or more.
#   bash bench/deps/typosquat.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
CC=${CC:-cc}
$CC -O2 -o "$W/embed" "$ROOT/tools/embed.c"
"$W/embed" "$ROOT/data/npm-popular/names.txt" "$W/npm.c" cu_data_npm_popular
"$W/embed" "$ROOT/data/pypi-popular/names.txt" "$W/pypi.c" cu_data_pypi_popular
cat > "$W/rest.c" <<'C'
#include <stddef.h>
const unsigned char cu_data_mal_npm[1], cu_data_mal_pypi[1], cu_data_worm_npm[1];
const unsigned char cu_data_worm_indicators[1];
const size_t cu_data_mal_npm_len, cu_data_mal_pypi_len, cu_data_worm_npm_len;
const size_t cu_data_worm_indicators_len;
C
$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$ROOT/src" -I"$ROOT/include" \
    -o "$W/bench" "$ROOT/bench/deps/typosquat_bench.c" "$ROOT/src/deps/typosquat.c" \
    "$ROOT/src/core/util.c" "$W/npm.c" "$W/pypi.c" "$W/rest.c" -lpthread
for i in 1 2 3; do "$W/bench"; echo; done
