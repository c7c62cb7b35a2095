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

now() { date +%s.%N; }
dig=() bom=()
for _ in $(seq "$RUNS"); do
    t0=$(now); "$CUSTODY" digest "$dir" >/dev/null; t1=$(now)
    "$CUSTODY" bom -o /dev/null "$dir"; t2=$(now)
    dig+=("$(echo "$t1 - $t0" | bc -l)")
    bom+=("$(echo "$t2 - $t1" | bc -l)")
done
/usr/bin/python3 - "$total" "${dig[*]}" "${bom[*]}" "$(nproc)" "$("$CUSTODY" version)" <<'EOF'
import statistics as st, sys
total = int(sys.argv[1])
dig = [float(x) for x in sys.argv[2].split()]
bom = [float(x) for x in sys.argv[3].split()]
md, mb = st.median(dig), st.median(bom)
print(f"{sys.argv[5]}, {sys.argv[4]} CPU(s), {total / 2**30:.2f} GiB in {len(dig)} runs each (median, min-max):\n")
print("| command | median | min | max | GiB/s |")
print("|---|---:|---:|---:|---:|")
for name, v in (("custody digest DIR", dig), ("custody bom DIR", bom)):
    print(f"| `{name}` | {st.median(v):.3f} s | {min(v):.3f} s | {max(v):.3f} s | {total / 2**30 / st.median(v):.2f} |")
print(f"\nbom / digest = {mb / md:.3f} (target <= 1.050): {'PASS' if mb <= md * 1.05 else 'FAIL'}")
EOF
