#!/usr/bin/python3
"""Generate the benchmark corpus for bench/run.sh (run with Debian's /usr/bin/python3).

Cases, all written under bench/work/ (git-ignored):
  small/      a few thousand small, realistic, benign model files: PyTorch state_dicts (zip and
              legacy format), scikit-learn pickles, NumPy .npy (numeric and object dtype) and
              joblib dumps (raw, zlib, lzma).
  dense.pkl   pickle.dumps(list(range(2_000_000))): about 10 MB of opcodes, benign.
  big.pt      a PyTorch zip checkpoint of more than 2 GiB (9 tensors of 256 MiB plus a few
              hundred small ones); tensors are generated one by one so the peak memory stays
              around the checkpoint size (under 4 GB).

Everything is deterministic (fixed seeds). A case is skipped when its completion stamp exists;
delete bench/work/<case> (and its stamp bench/work/.<case>.done) to regenerate it.

usage: /usr/bin/python3 bench/gen_corpus.py [--out DIR] [--small N] [--big-gib G]
                                            [--cases small,dense,big]
"""

import argparse
import io
import os
import pickle
import random
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def log(msg):
    print(f"gen_corpus: {msg}", file=sys.stderr, flush=True)


def stamp_path(out, case):
    return os.path.join(out, f".{case}.done")


def done(out, case):
    return os.path.exists(stamp_path(out, case))


def mark(out, case, info):
    with open(stamp_path(out, case), "w") as f:
        f.write(info + "\n")


# ----------------------------------------------------------------------------------------------
# (a) small files


def torch_models(torch):
    nn = torch.nn

    def mlp(seed):
        return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4 + seed % 4))

    def cnn(seed):
        return nn.Sequential(
            nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4 + seed % 3, 3)
        )

    def lstm(seed):
        return nn.LSTM(8, 12 + seed % 4, num_layers=1)

    def emb(seed):
        return nn.Sequential(nn.Embedding(100 + seed % 50, 16), nn.LayerNorm(16))

    def tiny_tf(seed):
        return nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32)

    return [mlp, cnn, lstm, emb, tiny_tf]


def sklearn_model(kind, seed):
    import numpy as np
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.tree import DecisionTreeClassifier
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    from sklearn.cluster import KMeans

    rng = np.random.RandomState(seed)
    X = rng.randn(60, 6)
    y = (X[:, 0] + rng.randn(60) * 0.3 > 0).astype(int)
    if kind == 0:
        return LogisticRegression(max_iter=200).fit(X, y)
    if kind == 1:
        return DecisionTreeClassifier(max_depth=4, random_state=seed).fit(X, y)
    if kind == 2:
        return RandomForestClassifier(n_estimators=4, max_depth=3, random_state=seed).fit(X, y)
    if kind == 3:
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)).fit(X, y)
    if kind == 4:
        return Ridge(alpha=1.0 + seed % 5).fit(X, X[:, 1])
    return KMeans(n_clusters=3, n_init=2, random_state=seed).fit(X)


def gen_small(out, count):
    import numpy as np
    import torch
    import joblib

    d = os.path.join(out, "small")
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(1234)
    models = torch_models(torch)
    # A pool of distinct fitted sklearn models, reused (pickled again) for the pickle and joblib
    # files: fitting is the slow part, pickling is what we need many of.
    sk_pool = [sklearn_model(k, s) for k in range(6) for s in range(8)]

    t0 = time.time()
    nbytes = 0
    for i in range(count):
        kind = i % 6
        sub = os.path.join(d, f"{i // 250:02d}")
        os.makedirs(sub, exist_ok=True)
        if kind in (0, 1):
            torch.manual_seed(i)
            m = models[rnd.randrange(len(models))](i)
            path = os.path.join(sub, f"model_{i:05d}" + (".pt" if kind == 0 else ".bin"))
            # one in three PyTorch files in the legacy (non-zip) format
            legacy = (i % 3) == 1
            torch.save(m.state_dict(), path, _use_new_zipfile_serialization=not legacy)
        elif kind == 2:
            model = sk_pool[rnd.randrange(len(sk_pool))]
            path = os.path.join(sub, f"sk_{i:05d}.pkl")
            with open(path, "wb") as f:
                pickle.dump({"model": model, "version": i, "features": 6}, f, protocol=4)
        elif kind == 3:
            rs = np.random.RandomState(i)
            path = os.path.join(sub, f"arr_{i:05d}.npy")
            if i % 10 == 3:
                # object dtype: .npy with an embedded pickle (tokeniser vocabularies etc.)
                arr = np.array([{"token": f"t{j}", "id": j} for j in range(20)], dtype=object)
                np.save(path, arr, allow_pickle=True)
            else:
                dt = [np.float32, np.float64, np.int64, np.int16][(i // 6) % 4]
                shape = (rs.randint(1, 64), rs.randint(1, 64))
                np.save(path, (rs.randn(*shape) * 100).astype(dt))
        elif kind == 4:
            model = sk_pool[rnd.randrange(len(sk_pool))]
            path = os.path.join(sub, f"jl_{i:05d}.joblib")
            comp = [0, 0, 3, ("lzma", 3)][(i // 6) % 4]
            joblib.dump(model, path, compress=comp)
        else:
            # state dict plus optimizer state and metadata: a typical small training checkpoint
            torch.manual_seed(i)
            m = models[0](i)
            opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
            m(torch.randn(2, 16)).sum().backward()
            opt.step()
            path = os.path.join(sub, f"ckpt_{i:05d}.pth")
            torch.save(
                {"epoch": i % 50, "model": m.state_dict(), "optim": opt.state_dict(),
                 "args": {"lr": 0.01, "name": f"run{i}"}},
                path,
            )
        nbytes += os.path.getsize(path)
        if (i + 1) % 500 == 0:
            log(f"small: {i + 1}/{count} files ({time.time() - t0:.0f} s)")
    mark(out, "small", f"{count} files {nbytes} bytes")
    log(f"small: {count} files, {nbytes / 1e6:.1f} MB")


# ----------------------------------------------------------------------------------------------
# (b) opcode-dense pickle


def gen_dense(out):
    path = os.path.join(out, "dense.pkl")
    data = pickle.dumps(list(range(2_000_000)), protocol=4)
    with open(path, "wb") as f:
        f.write(data)
    mark(out, "dense", f"{len(data)} bytes")
    log(f"dense: {len(data) / 1e6:.1f} MB")


# ----------------------------------------------------------------------------------------------
# (c) > 2 GiB PyTorch zip checkpoint


def gen_big(out, gib):
    import torch

    path = os.path.join(out, "big.pt")
    tmp = path + ".tmp"
    per = 256 << 20  # 256 MiB per large tensor
    nbig = max(1, (int(gib * (1 << 30)) + per - 1) // per)
    g = torch.Generator().manual_seed(42)
    sd = {}
    for layer in range(nbig):
        # one large matrix per layer (64 Mi float32 = 256 MiB), deterministic random content
        sd[f"layers.{layer}.mlp.weight"] = torch.randn(8192, 8192, generator=g)
        for j in range(24):
            sd[f"layers.{layer}.block{j}.norm.weight"] = torch.ones(256)
            sd[f"layers.{layer}.block{j}.norm.bias"] = torch.zeros(256)
    sd["embed.weight"] = torch.randn(1000, 64, generator=g)
    torch.save(sd, tmp)
    os.replace(tmp, path)
    size = os.path.getsize(path)
    mark(out, "big", f"{size} bytes")
    log(f"big: {size / (1 << 30):.2f} GiB")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="generate the custody benchmark corpus")
    ap.add_argument("--out", default=os.path.join(here, "work"))
    ap.add_argument("--small", type=int, default=3000, help="number of small files")
    ap.add_argument("--big-gib", type=float, default=2.1, help="size of big.pt in GiB")
    ap.add_argument("--cases", default="small,dense,big")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cases = [c for c in a.cases.split(",") if c]
    for c in cases:
        if c not in ("small", "dense", "big"):
            ap.error(f"unknown case {c}")
        if done(a.out, c):
            log(f"{c}: present, skipped")
            continue
        if c == "small":
            gen_small(a.out, a.small)
        elif c == "dense":
            gen_dense(a.out)
        else:
            gen_big(a.out, a.big_gib)


if __name__ == "__main__":
    main()
