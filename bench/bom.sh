#!/usr/bin/env bash
# custody bom of a large model directory against custody digest of it (issue #8: the BOM may cost
# at most digest + 5%). Writes a Hugging Face-style directory of real bytes (sparse files would
# make hashing free and the comparison unfair): config.json, README.md with front matter,
# tokenizer_config.json and SHARDS safetensors shards of SHARD_MB MiB of random data each, then
# times both commands RUNS times alternately on a warm page cache, prints a markdown table, and
# deletes the directory.
#   usage: bench/bom.sh [CUSTODY]   (default build/release/custody)
#   env:   SHARDS (3) SHARD_MB (1024) RUNS (5) WORK (bench/work/bom)
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTODY=${1:-build/release/custody}
SHARDS=${SHARDS:-3}
SHARD_MB=${SHARD_MB:-1024}
RUNS=${RUNS:-5}
WORK=${WORK:-bench/work/bom}
dir="$WORK/big-model"
rm -rf "$WORK"
mkdir -p "$dir"
trap 'rm -rf "$WORK"' EXIT

/usr/bin/python3 - "$dir" "$SHARDS" "$SHARD_MB" <<'EOF'
import json, os, sys
d, shards, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "torch_dtype": "bfloat16",
           "transformers_version": "4.44.2"}, open(f"{d}/config.json", "w"))
open(f"{d}/README.md", "w").write("---\nlicense: apache-2.0\npipeline_tag: text-generation\n"
                                  "base_model: meta-llama/Llama-3.2-1B\n---\n# bench\n")
json.dump({"model_max_length": 4096}, open(f"{d}/tokenizer_config.json", "w"))
chunk = 1 << 20
for i in range(shards):
    n = mb * chunk // 2  # BF16 elements
    hdr = json.dumps({f"w{i}": {"dtype": "BF16", "shape": [n], "data_offsets": [0, 2 * n]}}).encode()
    hdr += b" " * (-len(hdr) % 8)
    with open(f"{d}/model-{i + 1:05d}-of-{shards:05d}.safetensors", "wb") as f:
        f.write(len(hdr).to_bytes(8, "little") + hdr)
        for _ in range(mb):
            f.write(os.urandom(chunk))
EOF
total=$(du -sb "$dir" | cut -f1)
# warm the page cache
cat "$dir"/* >/dev/null
"$CUSTODY" digest "$dir" >/dev/null
"$CUSTODY" bom -o /dev/null "$dir"

# wall, user+sys seconds of one command
measure() {
    /usr/bin/time -f "%e %U %S" -o "$WORK/t" "$@" >/dev/null
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/t"
}
dig=() bom=() digc=() bomc=()
for _ in $(seq "$RUNS"); do
    read -r w c < <(measure "$CUSTODY" digest "$dir"); dig+=("$w"); digc+=("$c")
    read -r w c < <(measure "$CUSTODY" bom -o /dev/null "$dir"); bom+=("$w"); bomc+=("$c")
done
/usr/bin/python3 - "$total" "${dig[*]}" "${bom[*]}" "${digc[*]}" "${bomc[*]}" "$(nproc)" \
    "$("$CUSTODY" version)" <<'EOF2'
import statistics as st, sys
total = int(sys.argv[1])
dig, bom, digc, bomc = ([float(x) for x in a.split()] for a in sys.argv[2:6])
print(f"{sys.argv[7]}, {sys.argv[6]} CPU(s), {total / 2**30:.2f} GiB, {len(dig)} runs each, "
      "alternating, warm page cache:\n")
print("| command | wall median | wall min | wall max | CPU (user+sys) median | CPU min | GiB/s (min wall) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, v, c in (("custody digest DIR", dig, digc), ("custody bom DIR", bom, bomc)):
    print(f"| `{name}` | {st.median(v):.3f} s | {min(v):.3f} s | {max(v):.3f} s | "
          f"{st.median(c):.2f} s | {min(c):.2f} s | {total / 2**30 / min(v):.2f} |")
for what, a, b in (("wall min", min(dig), min(bom)), ("wall median", st.median(dig), st.median(bom)),
                   ("CPU median", st.median(digc), st.median(bomc))):
    print(f"\nbom / digest ({what}) = {b / a:.3f} (target <= 1.050): {'PASS' if b <= a * 1.05 else 'FAIL'}")
EOF2
