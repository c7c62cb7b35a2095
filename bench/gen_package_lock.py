#!/usr/bin/env python3
"""Writes a synthetic npm package-lock.json (lockfileVersion 3) with N packages, for the
deps parser timing (bench/deps.sh). Deterministic: the same N gives the same bytes.

Usage: gen_package_lock.py N OUT
One in five packages is scoped, one in ten nested under another package's node_modules, one in
seven dev, one in fifty has an install script; every entry has resolved + a sha512 integrity,
dependencies and engines, like a real lockfile."""
import base64
import hashlib
import json
import sys

n, out = int(sys.argv[1]), sys.argv[2]
root_deps = {}
packages = {}
for i in range(n):
    name = f"@scope{i % 97}/pkg-{i}" if i % 5 == 0 else f"pkg-{i}"
    ver = f"{i % 13}.{i % 7}.{i % 11}"
    path = f"node_modules/{name}"
    if i % 10 == 3 and i > 10:
        parent = f"pkg-{i - 2}" if (i - 2) % 5 else f"@scope{(i - 2) % 97}/pkg-{i - 2}"
        path = f"node_modules/{parent}/node_modules/{name}"
    elif i % 3 == 0:
        root_deps[name] = "^" + ver
    digest = base64.b64encode(hashlib.sha512(f"{name}@{ver}".encode()).digest()).decode()
    bare = name.split("/")[-1]
    e = {
        "version": ver,
        "resolved": f"https://registry.npmjs.org/{name}/-/{bare}-{ver}.tgz",
        "integrity": "sha512-" + digest,
        "dependencies": {f"pkg-{(i * 7 + k) % n}": f"^{k}.0.0" for k in range(3)},
        "engines": {"node": ">=14"},
    }
    if i % 7 == 0:
        e["dev"] = True
    if i % 50 == 0:
        e["hasInstallScript"] = True
    e["license"] = "MIT"
    packages[path] = e
doc = {
    "name": "bench-app",
    "version": "1.0.0",
    "lockfileVersion": 3,
    "requires": True,
    "packages": {"": {"name": "bench-app", "version": "1.0.0", "dependencies": root_deps},
                 **packages},
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
