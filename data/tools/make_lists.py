#!/usr/bin/env python3
"""Regenerates data/malicious/{npm,pypi}.txt and data/shai-hulud/npm.txt (see data/README.md).

  python3 data/tools/make_lists.py COMPROMISED_PACKAGES_TXT DEPGATE_PYPI_JSONL \
      [--ossf TREE] [--leitwacht TREE] [--timeline TREE]

COMPROMISED_PACKAGES_TXT: github.com/Cobenian/shai-hulud-detect compromised-packages.txt
  ("name:version", "npm:name:version", "pypi:name:version"; "# ===" section headers name the
  campaign). Sections of self-propagating worms (Shai-Hulud, Sha1-Hulud, Mini Shai-Hulud,
  Miasma, Ironworm) go to data/shai-hulud/npm.txt; other campaigns (chalk/debug 2025-09-08,
  axios, TeamPCP, ...) to data/malicious/<eco>.txt. The first block (September-November 2025)
  mixes the chalk/debug hijack with both Shai-Hulud waves: its chalk/debug packages are split
  out by name.
DEPGATE_PYPI_JSONL: github.com/depgate/malicious-packages malicious/pypi.jsonl, the OpenSSF
  malicious-packages PyPI reports reduced to {"name", "id", "versions"?}.
--ossf TREE: a checkout or bare git directory (HEAD is read) of github.com/ossf/malicious-packages
  or a fork: osv/malicious/{npm,pypi}/**/*.json (OSV; osv/withdrawn/** and records with a
  "withdrawn" field are skipped). affected[].versions are kept; a range introduced "0" (or any
  open range: the list format has no ">=") means every version. A depgate PyPI id also found
  here takes this record's versions instead of "every version".
--leitwacht TREE: github.com/leitwacht/malicious-packages (npm, 2026): index.json plus
  osv/<year>/*.json; id = the OSV MAL- id (mal_id / aliases) when present, else the LWA- id.
--timeline TREE: github.com/chromatic/ossf-malicious-packages-timeline data/timeslices/*.jsonl.gz
  (ingestion events, names and ids only): a name not otherwise listed and not popular becomes
  "every version".
HISTORIC_NPM (below): famous npm compromises no feed carries (event-stream/flatmap-stream,
ua-parser-js, coa, rc, eslint-scope, node-ipc, colors/faker, rspack, eslint-config-prettier,
is, nx "s1ngularity", xrpl), with their malicious versions only; HISTORIC_PYPI likewise
(torchtriton, ultralytics, num2words, ctx, and old typosquats).
Popular names (data/npm-popular, data/pypi-popular) never get "every version": a hijack of a
popular package keeps its explicit versions only, or is dropped (reported on stderr).
Duplicates merge per name: union of versions ("*" wins), the first assigned MAL- id (earliest
report; community ids only when no MAL- id) and its date (YYYY-MM-DD, or YYYY).
Output lines: name<TAB>versions<TAB>id<TAB>date ("*" = every version)."""
import argparse
import collections
import gzip
import os
import subprocess
import json
import re
import sys

WORM = re.compile(r"SHAI-HULUD|SHA1-HULUD|MIASMA|IRONWORM|WORM", re.I)
CHALK_DEBUG = {
    "ansi-regex", "ansi-styles", "backslash", "chalk", "chalk-template", "color",
    "color-convert", "color-name", "color-string", "debug", "error-ex", "has-ansi",
    "is-arrayish", "proto-tinker-wc", "simple-swizzle", "slice-ansi", "strip-ansi",
    "supports-color", "supports-hyperlinks", "wrap-ansi", "duckdb", "@duckdb/node-api",
    "@duckdb/node-bindings", "@duckdb/duckdb-wasm", "prebid", "prebid-universal-creative",
    "prebid.js", "@coveops/abi",
}
# Well-documented npm compromises that none of the feeds above carries (they predate the
# OpenSSF dataset or were filed only as GitHub advisories). Curated from the public advisories
# and incident write-ups named in the id; versions are the published malicious ones only.
HISTORIC_NPM = [tuple(line.split()) for line in """
event-stream 3.3.6 GHSA-mh6f-8j2x-4483 2018-11-26
flatmap-stream * GHSA-mh6f-8j2x-4483 2018-11-26
eslint-scope 3.7.2 community:eslint-scope-hijack-2018-07-12 2018-07-12
eslint-config-eslint 5.0.2 community:eslint-scope-hijack-2018-07-12 2018-07-12
ua-parser-js 0.7.29,0.8.0,1.0.0 GHSA-pjwm-rvh2-c87w 2021-10-22
coa 2.0.3,2.0.4,2.1.1,2.1.3,3.0.1,3.1.3 GHSA-73qr-pfmq-6rp8 2021-11-04
rc 1.2.9,1.3.9,2.3.9 GHSA-g2q5-5433-rhrf 2021-11-04
node-ipc 10.1.1,10.1.2 CVE-2022-23812 2022-03-15
peacenotwar * community:node-ipc-protestware-2022-03 2022-03-15
colors 1.4.1,1.4.2,1.4.44-liberty-2 community:colors-faker-sabotage-2022-01-08 2022-01-08
faker 6.6.6 community:colors-faker-sabotage-2022-01-08 2022-01-08
@rspack/core 1.1.7 community:rspack-cryptominer-2024-12-19 2024-12-19
@rspack/cli 1.1.7 community:rspack-cryptominer-2024-12-19 2024-12-19
eslint-config-prettier 8.10.1,9.1.1,10.1.6,10.1.7 CVE-2025-54313 2025-07-18
eslint-plugin-prettier 4.2.2,4.2.3 CVE-2025-54313 2025-07-18
synckit 0.11.9 CVE-2025-54313 2025-07-18
@pkgr/core 0.2.8 CVE-2025-54313 2025-07-18
napi-postinstall 0.3.1 CVE-2025-54313 2025-07-18
is 3.3.1,5.0.0 community:is-hijack-2025-07-19 2025-07-19
nx 20.9.0,20.10.0,20.11.0,20.12.0,21.5.0,21.6.0,21.7.0,21.8.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/devkit 20.9.0,21.5.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/js 20.9.0,21.5.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/workspace 20.9.0,21.5.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/node 20.9.0,21.5.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/eslint 21.5.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/key 3.2.0 GHSA-cxm3-wv7p-598c 2025-08-26
@nx/enterprise-cloud 3.2.0 GHSA-cxm3-wv7p-598c 2025-08-26
xrpl 2.14.2,4.2.1,4.2.2,4.2.3,4.2.4 community:xrpl-hijack-2025-04-21 2025-04-21
""".strip().splitlines()]

# Famous PyPI compromises and typosquats no feed carries (PEP 503 names): the PyTorch-nightly
# torchtriton dependency confusion, the ultralytics build-cache hijack (cryptominer), num2words
# and ctx account takeovers, the 2019 jeIlyfish/python3-dateutil and 2018 colourama typosquats,
# and the 2017 SK-CSIRT list.
HISTORIC_PYPI = [tuple(line.split()) for line in """
torchtriton 3.0.0 community:pytorch-nightly-torchtriton-2022-12-25 2022-12-25
ultralytics 8.3.41,8.3.42,8.3.45,8.3.46 community:ultralytics-hijack-2024-12-04 2024-12-04
num2words 0.5.15 community:num2words-hijack-2025-07-28 2025-07-28
ctx 0.1.2,0.2.2,0.2.6 community:ctx-hijack-2022-05-14 2022-05-14
jeilyfish * community:jeilyfish-typosquat-2019-12-01 2019-12-01
python3-dateutil * community:jeilyfish-typosquat-2019-12-01 2019-12-01
colourama * community:colourama-typosquat-2018-10-23 2018-10-23
acqusition * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
apidev-coop * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
bzip * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
crypt * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
django-server * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
pwd * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
setup-tools * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
telnet * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
urlib3 * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
urllib * community:skcsirt-pypi-typosquats-2017-09-13 2017-09-13
""".strip().splitlines()]
MONTHS = {m: i + 1 for i, m in enumerate(
    "JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER"
    .split())}


def section_date(title):
    """ "MAY 22-25, 2026 - ..." -> 2026-05-22; "JUNE 2025 -> MARCH 2026" -> 2025 (no day given:
    the year only, never an invented day)."""
    m = re.match(r"([A-Z]+)\s+(?:(\d{1,2})(?:-\d{1,2})?\s*,\s*)?(\d{4})(?!\d)", title.upper())
    if not m or m.group(1) not in MONTHS:
        return ""
    if not m.group(2):
        return m.group(3)
    return "%s-%02d-%02d" % (m.group(3), MONTHS[m.group(1)], int(m.group(2)))


def tree_files(tree, prefix, suffix):
    """(path, bytes) of every file under prefix ending in suffix, from a checkout or from HEAD
    of a (bare) git directory."""
    if os.path.isdir(os.path.join(tree, prefix)):
        for root, _, files in os.walk(os.path.join(tree, prefix)):
            for f in sorted(files):
                if f.endswith(suffix):
                    p = os.path.join(root, f)
                    with open(p, "rb") as fh:
                        yield os.path.relpath(p, tree), fh.read()
        return
    names = subprocess.run(["git", "--git-dir", tree, "ls-tree", "-r", "--name-only", "HEAD",
                            prefix], check=True, capture_output=True, text=True).stdout.split("\n")
    names = [n for n in names if n.endswith(suffix)]
    proc = subprocess.run(["git", "--git-dir", tree, "cat-file", "--batch"], check=True,
                          input="".join("HEAD:%s\n" % n for n in names).encode(),
                          capture_output=True)
    out, i = proc.stdout, 0
    for n in names:
        nl = out.index(b"\n", i)
        size = int(out[i:nl].split()[2])
        yield n, out[nl + 1:nl + 1 + size]
        i = nl + 1 + size + 1


def tree_commit(tree):
    if os.path.isdir(os.path.join(tree, ".git")) or not os.path.isdir(os.path.join(tree, "osv")):
        r = subprocess.run(["git", "--git-dir", tree if not os.path.isdir(
            os.path.join(tree, ".git")) else os.path.join(tree, ".git"), "log", "-1",
            "--format=%H %cs"], capture_output=True, text=True)
        return r.stdout.strip()
    return "?"


SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$")


def osv_versions(aff, eco):
    """An OSV affected[] entry -> set of list tokens: exact versions, "*" (every version: a range
    introduced "0" with no end), or for npm a node-semver range token ">=X", ">=X <Y",
    ">=X <=Z" (an OSV range that starts later or ends). Anything else: "*" (fail closed;
    popular names lose it later)."""
    vs = set(v for v in aff.get("versions") or [] if isinstance(v, str) and v and
             "," not in v and "\t" not in v and " " not in v)
    for rg in aff.get("ranges") or []:
        if rg.get("type") not in ("SEMVER", "ECOSYSTEM") or not rg.get("events"):
            continue
        lo, tokens = None, []
        for ev in rg["events"]:
            if "introduced" in ev:
                if lo is not None:
                    tokens.append((lo, None, None))
                lo = ev["introduced"]
            elif lo is not None and ("fixed" in ev or "last_affected" in ev):
                end = ev.get("fixed") or ev.get("last_affected")
                tokens.append((lo, "<" if "fixed" in ev else "<=", end))
                lo = None
        if lo is not None:
            tokens.append((lo, None, None))
        for lo, op, end in tokens:
            if lo == "0" and op is None:
                vs.add("*")
            elif (eco == "npm" and (lo == "0" or SEMVER_RE.match(lo)) and
                  (end is None or SEMVER_RE.match(end))):
                t = ">=" + ("0.0.0-0" if lo == "0" else lo)
                vs.add(t + (" %s%s" % (op, end) if op else ""))
            else:
                vs.add("*")
    return vs


def mal_year(mid):
    m = re.match(r"MAL-(\d{4})-\d+$", mid)
    return int(m.group(1)) if m and m.group(1) != "0000" else None


def better_id(new, new_date, old, old_date):
    """Is (new, new_date) the better id for a name than (old, old_date)? An assigned MAL-YYYY-N
    beats anything else; between two of a kind the earliest report wins."""
    def rank(i):
        if mal_year(i) is not None:
            return 0
        if i.startswith("MAL-"):
            return 1
        if i.startswith("community:"):
            return 3
        return 2
    if not old:
        return True
    if rank(new) != rank(old):
        return rank(new) < rank(old)
    key = (lambda i, d: (d or "9999", mal_year(i) or 0,
                         int(i.rsplit("-", 1)[1]) if mal_year(i) else 0, i))
    return key(new, new_date) < key(old, old_date)


def slug(title):
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s[:60]


def add(e, versions, mid, date):
    """Merge one report into a table entry [versions, id, date]."""
    e[0].update(versions)
    if better_id(mid, date, e[1], e[2]):
        e[1], e[2] = mid, date


def day(ts):
    m = re.match(r"(\d{4}-\d{2}-\d{2})", ts or "")
    return m.group(1) if m else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("compromised_packages_txt")
    ap.add_argument("depgate_pypi_jsonl")
    ap.add_argument("--ossf", help="ossf/malicious-packages checkout or git dir")
    ap.add_argument("--leitwacht", help="leitwacht/malicious-packages checkout or git dir")
    ap.add_argument("--timeline", help="chromatic/ossf-malicious-packages-timeline checkout/git dir")
    args = ap.parse_args()
    comp, pypi_jsonl = args.compromised_packages_txt, args.depgate_pypi_jsonl

    def norm_pypi(n):
        return re.sub(r"[-_.]+", "-", n.lower())

    popular = {
        "npm": set(x.strip().lower() for x in open("data/npm-popular/names.txt") if x.strip()),
        "pypi": set(norm_pypi(x.strip()) for x in open("data/pypi-popular/names.txt")
                    if x.strip()),
    }

    def key(eco, name):
        return norm_pypi(name) if eco == "pypi" else name.lower()

    worm = collections.defaultdict(lambda: [set(), "", ""])
    mal = {"npm": collections.defaultdict(lambda: [set(), "", ""]),
           "pypi": collections.defaultdict(lambda: [set(), "", ""])}
    stats = collections.Counter()
    title = "SEPTEMBER 2025 - CHALK/DEBUG AND SHAI-HULUD (SEPTEMBER-NOVEMBER 2025)"
    lines = open(comp, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# ====") and i + 1 < len(lines) and lines[i + 1].startswith("# "):
            nxt = lines[i + 1][2:].strip()
            if nxt and not nxt.startswith("===="):
                title = nxt
            continue
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        eco = "npm"
        if len(parts) == 3:
            eco = parts[0]
            parts = parts[1:]
        if eco not in ("npm", "pypi") or len(parts) != 2:
            continue
        name, ver = parts[0].strip(), parts[1].strip()
        date = section_date(title)
        wid = "community:" + slug(title)
        first_block = title.upper().startswith("SEPTEMBER 8, 2025 - CHALK")
        if first_block and name in CHALK_DEBUG:
            wid, date, is_worm = "community:chalk-debug-hijack-2025-09-08", "2025-09-08", False
        elif first_block:
            wid, date, is_worm = "community:shai-hulud-2025-09-and-sha1-hulud-2025-11", "2025-09-15", True
        else:
            is_worm = bool(WORM.search(title))
        if is_worm and eco == "npm":
            e = worm[name]
            e[0].add(ver)
            e[1] = e[1] or wid
            e[2] = e[2] or date
        else:
            add(mal[eco][name], {ver}, wid, date)
        stats["community " + eco] += 1
    for name, vers, mid, date in HISTORIC_NPM:
        add(mal["npm"][name], set(vers.split(",")), mid, date)
        stats["historic npm"] += 1
    for name, vers, mid, date in HISTORIC_PYPI:
        add(mal["pypi"][name], set(vers.split(",")), mid, date)
        stats["historic pypi"] += 1

    # OpenSSF OSV records (versions and ranges), keyed by id for the depgate reduction.
    ossf_by_id = {}
    if args.ossf:
        for path, data in tree_files(args.ossf, "osv/malicious", ".json"):
            parts = path.split("/")
            if len(parts) < 4 or parts[2] not in ("npm", "pypi"):
                continue
            eco = parts[2]
            r = json.loads(data)
            if r.get("withdrawn"):
                stats["ossf withdrawn " + eco] += 1
                continue
            mid = r.get("id", "")
            for a in r.get("aliases") or []:
                if mal_year(a) is not None and mal_year(mid) is None:
                    mid = a
            for aff in r.get("affected") or []:
                pkg = aff.get("package") or {}
                if (pkg.get("ecosystem") or "").lower() != eco or not pkg.get("name"):
                    continue
                vs = osv_versions(aff, eco)
                if not vs:
                    stats["ossf no versions " + eco] += 1
                    continue
                stats["ossf " + eco] += 1
                ossf_by_id.setdefault(r.get("id", ""), []).append((eco, pkg["name"], vs))
                add(mal[eco][pkg["name"]], vs, mid, day(r.get("published")))

    for line in open(pypi_jsonl, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        vs = set(r.get("versions") or [])
        for eco, name, ovs in ossf_by_id.get(r["id"], []):
            if eco == "pypi" and key(eco, name) == key(eco, r["name"]):
                vs |= ovs
        if not vs:
            vs = {"*"}
        m = mal_year(r["id"])
        prev = mal["pypi"].get(r["name"])
        add(mal["pypi"][r["name"]], vs, r["id"],
            prev[2] if prev and prev[1] == r["id"] else (str(m) if m else ""))
        stats["depgate pypi"] += 1

    if args.leitwacht:
        index = {}
        for path, data in tree_files(args.leitwacht, "index.json", ".json"):
            index = json.loads(data)
        seen = set()
        for path, data in tree_files(args.leitwacht, "osv", ".json"):
            r = json.loads(data)
            if r.get("withdrawn"):
                stats["leitwacht withdrawn"] += 1
                continue
            lid = r.get("id", "")
            mid = (index.get(lid) or {}).get("mal_id") or next(
                (a for a in r.get("aliases") or [] if a.startswith("MAL-")), "") or lid
            for aff in r.get("affected") or []:
                pkg = aff.get("package") or {}
                if (pkg.get("ecosystem") or "").lower() != "npm" or not pkg.get("name"):
                    continue
                vs = osv_versions(aff, "npm")
                if not vs:
                    continue
                seen.add(lid)
                stats["leitwacht npm"] += 1
                add(mal["npm"][pkg["name"]], vs, mid, day(r.get("published")))
        for lid, v in index.items():  # index entries without an OSV file
            if lid not in seen and v.get("package") and v.get("version"):
                stats["leitwacht index-only"] += 1
                add(mal["npm"][v["package"]], {v["version"]}, v.get("mal_id") or lid,
                    day(v.get("published")))

    if args.timeline:
        events = collections.defaultdict(list)  # (eco, name) -> [(event, id, ts)]
        for path, data in tree_files(args.timeline, "data/timeslices", ".jsonl.gz"):
            for line in gzip.decompress(data).decode("utf-8").splitlines():
                if not line.strip():
                    continue
                ev = json.loads(line)
                p = (ev.get("path") or "").split("/")
                if len(p) < 5 or p[0] != "osv" or p[1] != "malicious" or p[2] not in ("npm", "pypi"):
                    continue
                name = "/".join(p[3:-1])
                events[(p[2], name)].append((ev.get("event"), p[-1][:-5], ev.get("timestamp")))
        for (eco, name), evs in sorted(events.items()):
            live = {i: ts for e, i, ts in evs if e in ("ingested", "assigned", "updated")}
            for e, i, _ in evs:
                if e == "withdrawn":
                    live.pop(i, None)
            if not live:
                continue
            if name in mal[eco] or key(eco, name) in popular[eco]:
                stats["timeline covered/popular " + eco] += 1
                continue
            for i, ts in live.items():
                add(mal[eco][name], {"*"}, i, day(ts))
            stats["timeline added " + eco] += 1

    # A popular package is hijacked in specific versions: never "every version" for it (a
    # blanket entry for litellm or a real npm library would flag every project using it).
    for eco in ("npm", "pypi"):
        for name in list(mal[eco]):
            vs = mal[eco][name][0]
            if "*" in vs and key(eco, name) in popular[eco]:
                vs.discard("*")
                if not vs:
                    print("dropped (popular, versions unknown):", eco, name, mal[eco][name][1],
                          file=sys.stderr)
                    del mal[eco][name]

    # Names that differ only in case (npm) or PEP 503 spelling (PyPI) are one package.
    for eco in ("npm", "pypi"):
        merged = {}
        for name in sorted(mal[eco]):
            k = key(eco, name)
            if k in merged:
                add(merged[k][1], *mal[eco][name])
            else:
                merged[k] = (name, [set(mal[eco][name][0]), mal[eco][name][1], mal[eco][name][2]])
        mal[eco] = {n: e for n, e in merged.values()}

    def write(path, table, header):
        n = nv = 0
        with open(path, "w", encoding="utf-8") as f:
            f.write(header)
            for name in sorted(table):
                vs, wid, date = table[name]
                v = "*" if "*" in vs else ",".join(sorted(vs))
                if "\t" in name or "\n" in name or not name or not v:
                    continue
                f.write(f"{name}\t{v}\t{wid}\t{date}\n")
                n += 1
                nv += v != "*"
        print(f"{path}: {n} names, {nv} with explicit versions", file=sys.stderr)

    hdr = ("# name<TAB>versions (* = every version)<TAB>id<TAB>date. Generated by "
           "data/tools/make_lists.py; see data/README.md.\n")
    write("data/malicious/npm.txt", mal["npm"], hdr)
    write("data/malicious/pypi.txt", mal["pypi"], hdr)
    write("data/shai-hulud/npm.txt", worm, hdr.replace("id<TAB>", "campaign<TAB>"))
    for k in sorted(stats):
        print(f"  {k}: {stats[k]}", file=sys.stderr)


main()
