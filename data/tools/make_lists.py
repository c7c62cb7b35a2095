#!/usr/bin/env python3
"""Regenerates data/malicious/{npm,pypi}.txt and data/shai-hulud/npm.txt (see data/README.md).

  python3 data/tools/make_lists.py COMPROMISED_PACKAGES_TXT DEPGATE_PYPI_JSONL

COMPROMISED_PACKAGES_TXT: github.com/Cobenian/shai-hulud-detect compromised-packages.txt
  ("name:version", "npm:name:version", "pypi:name:version"; "# ===" section headers name the
  campaign). Sections of self-propagating worms (Shai-Hulud, Sha1-Hulud, Mini Shai-Hulud,
  Miasma, Ironworm) go to data/shai-hulud/npm.txt; other campaigns (chalk/debug 2025-09-08,
  axios, TeamPCP, ...) to data/malicious/<eco>.txt. The first block (September-November 2025)
  mixes the chalk/debug hijack with both Shai-Hulud waves: its chalk/debug packages are split
  out by name.
DEPGATE_PYPI_JSONL: github.com/depgate/malicious-packages malicious/pypi.jsonl, the OpenSSF
  malicious-packages PyPI reports reduced to {"name", "id", "versions"?}.
Output lines: name<TAB>versions<TAB>id<TAB>date ("*" = every version)."""
import collections
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
MONTHS = {m: i + 1 for i, m in enumerate(
    "JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER"
    .split())}


def section_date(title):
    m = re.match(r"([A-Z]+)\s+(\d+)?[^,]*?,?\s*(\d{4})", title.upper())
    if not m or m.group(1) not in MONTHS:
        return ""
    day = int(m.group(2)) if m.group(2) else 1
    return "%s-%02d-%02d" % (m.group(3), MONTHS[m.group(1)], day)


def slug(title):
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s[:60]


def main(comp, pypi_jsonl):
    worm = collections.defaultdict(lambda: [set(), "", ""])
    mal = {"npm": collections.defaultdict(lambda: [set(), "", ""]),
           "pypi": collections.defaultdict(lambda: [set(), "", ""])}
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
        else:
            e = mal[eco][name]
        e[0].add(ver)
        e[1] = e[1] or wid
        e[2] = e[2] or date
    for line in open(pypi_jsonl, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        e = mal["pypi"][r["name"]]
        vs = r.get("versions")
        if vs:
            e[0].update(vs)
        else:
            e[0].add("*")
        m = re.match(r"MAL-(\d{4})-", r["id"])
        e[1] = r["id"] if not e[1] or e[1].startswith("community:") else e[1]
        e[2] = e[2] or (m.group(1) if m else "")

    # A popular package marked malicious in every version is a hijack whose versions the
    # reduced feed lost: keep the community list's versions, or drop the entry (a blanket
    # "every version" for litellm or mistralai would flag every project using them).
    def norm(n):
        return re.sub(r"[-_.]+", "-", n.lower())

    popular = set(norm(x.strip()) for x in open("data/pypi-popular/names.txt"))
    for name in list(mal["pypi"]):
        vs = mal["pypi"][name][0]
        if "*" in vs and norm(name) in popular:
            vs.discard("*")
            if not vs:
                print("dropped (popular, versions unknown):", name, mal["pypi"][name][1],
                      file=sys.stderr)
                del mal["pypi"][name]

    def write(path, table, header):
        with open(path, "w", encoding="utf-8") as f:
            f.write(header)
            for name in sorted(table):
                vs, wid, date = table[name]
                v = "*" if "*" in vs else ",".join(sorted(vs))
                if "\t" in name or "\n" in name or not name:
                    continue
                f.write(f"{name}\t{v}\t{wid}\t{date}\n")

    hdr = ("# name<TAB>versions (* = every version)<TAB>id<TAB>date. Generated by "
           "data/tools/make_lists.py; see data/README.md.\n")
    write("data/malicious/npm.txt", mal["npm"], hdr)
    write("data/malicious/pypi.txt", mal["pypi"], hdr)
    write("data/shai-hulud/npm.txt", worm, hdr.replace("id<TAB>", "campaign<TAB>"))


main(sys.argv[1], sys.argv[2])
