#!/usr/bin/python3
"""Turn the measurements of bench/run.sh into a markdown table (stdout and bench/RESULTS.md).

Inputs, all under --work: <case>.json (hyperfine exports), out/<tool>-<case>.time (GNU time -v),
out/<tool>-<case>.out (the tool's own output, for the sanity column), out/custody-<case>.json
(custody's JSON report: bytes read) and machine.txt. Standard library only.
"""

import argparse
import json
import os
import re
import sys

TARGETS = [
    # (case, peer, minimum speed-up of custody over the peer)
    ("small", "picklescan", 50.0),
    ("dense", "picklescan", 100.0),
]
RSS_TARGET_MB = 64.0  # custody's peak RSS on the big checkpoint

CASE_DESC = {
    "small": "3000 small model files",
    "dense": "opcode-dense pickle (list(range(2e6)))",
    "big": "2 GiB+ PyTorch zip checkpoint",
}


def case_size(work, case):
    """(files, bytes) of a case's input."""
    path = {"small": "small", "dense": "dense.pkl", "big": "big.pt"}[case]
    path = os.path.join(work, path)
    if os.path.isfile(path):
        return 1, os.path.getsize(path)
    files = total = 0
    for d, _, names in os.walk(path):
        for n in names:
            files += 1
            total += os.path.getsize(os.path.join(d, n))
    return files, total


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def time_v(path):
    """(peak RSS in MB, exit status) from a GNU time -v log."""
    s = read(path) or ""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", s)
    e = re.search(r"Exit status: (\d+)", s)
    if not e and "Command exited with non-zero status" in s:
        e = re.search(r"non-zero status (\d+)", s)
    return (int(m.group(1)) / 1024.0 if m else None), (int(e.group(1)) if e else None)


def custody_json(work, case):
    s = read(os.path.join(work, "out", f"custody-{case}.json"))
    if not s:
        return None
    try:
        return json.loads(s)
    except ValueError:
        return None


def custody_analyses(work, cases):
    """True when custody recognises the corpus (any file got a format), False when it recognises
    nothing (a build without the pickle VM), None when unknown."""
    seen = False
    for c in cases:
        j = custody_json(work, c)
        if not j:
            continue
        seen = True
        if any(f.get("format") for f in j.get("files", [])):
            return True
    return False if seen else None


def sanity(work, tool, case, rc):
    """A short summary of what the tool itself reported."""
    out = read(os.path.join(work, "out", f"{tool}-{case}.out")) or ""
    if tool.startswith("custody"):
        j = custody_json(work, case)
        if not j:
            return f"exit {rc}"
        s = j["summary"]
        f = s["findings"]
        fmts = sorted({x.get("format") or "?" for x in j.get("files", [])})
        return (f"exit {rc}; {s['scanned']}/{s['files']} scanned, {s['errors']} err; "
                f"findings c{f['critical']}/h{f['high']}/m{f['medium']}; formats {','.join(fmts)}")
    if tool == "picklescan":
        keys = ("Scanned files", "Infected files", "Dangerous globals", "Suspicious globals")
        g = {k: re.search(k + r": (\d+)", out) for k in keys}
        g = {k: (v.group(1) if v else "?") for k, v in g.items()}
        return (f"exit {rc}; scanned {g['Scanned files']}, infected {g['Infected files']}, "
                f"dangerous/suspicious globals {g['Dangerous globals']}/{g['Suspicious globals']}")
    if tool == "modelscan":
        s = read(os.path.join(work, "out", f"modelscan-{case}.json"))
        try:
            j = json.loads(s) if s else None
        except ValueError:
            j = None
        if not j:
            return f"exit {rc}"
        errs = j.get("errors") or []
        sm = j.get("summary", {})
        scanned = (sm.get("scanned") or {}).get("total_scanned", "?")
        m = re.search(r"Total skipped: (\d+)", out)  # only the console report counts them
        skipped = m.group(1) if m else 0
        kinds = sorted({os.path.splitext(e.get("source", ""))[1] for e in errs})
        return (f"exit {rc}; scanned {scanned}, issues {sm.get('total_issues', '?')}, "
                f"errors {len(errs)}" + (f" (on {','.join(kinds)})" if errs else "")
                + f", skipped {skipped}")
    return f"exit {rc}"


def dur(x):
    if x is None:
        return "n/a"
    return f"{x * 1000:.2f} ms" if x < 0.1 else f"{x:.3f} s"


def fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--results", default="-")
    a = ap.parse_args()
    cases = a.cases.split()
    tools = a.tools.split()

    machine = {}
    for line in (read(os.path.join(a.work, "machine.txt")) or "").splitlines():
        k, _, v = line.partition("=")
        machine[k] = v

    ok = custody_analyses(a.work, cases)
    pending = ok is False
    rows = []
    means = {}
    for c in cases:
        files, nbytes = case_size(a.work, c)
        hf = read(os.path.join(a.work, f"{c}.json"))
        results = {r["command"]: r for r in json.loads(hf)["results"]} if hf else {}
        for t in tools:
            r = results.get(t)
            mean = r["mean"] if r else None
            sd = r["stddev"] if r and r.get("stddev") is not None else None
            means[(t, c)] = mean
            rss, rc = time_v(os.path.join(a.work, "out", f"{t}-{c}.time"))
            rows.append(dict(tool=t, case=c, files=files, nbytes=nbytes, mean=mean, sd=sd,
                             rss=rss, rc=rc))

    lines = []
    lines.append("| tool | case | mean (± sd) | files/s | MB/s | peak RSS MB | vs custody | "
                 "tool's own verdict |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        t, c, mean = r["tool"], r["case"], r["mean"]
        is_custody = t.startswith("custody")
        base = means.get(("custody", c))
        if mean is None:
            cells = ["not run"] * 5
        else:
            fps = r["files"] / mean
            mbs = r["nbytes"] / 1e6 / mean
            if pending:
                ratio = "pending merge"
            elif is_custody and t == "custody":
                ratio = "1.0x"
            elif base:
                ratio = f"{mean / base:.1f}x slower" if mean >= base else f"{base / mean:.1f}x faster"
            else:
                ratio = "n/a"
            cells = [f"{dur(mean)} (± {dur(r['sd'])})", (f"{fps:,.0f}" if fps >= 100 else f"{fps:.2f}"), (f"{mbs:,.0f}" if mbs >= 1000 else f"{mbs:.1f}"),
                     fmt(r["rss"], ".1f"), ratio]
            if is_custody and pending:
                cells = ["pending merge"] * 4 + ["pending merge"]
        verdict = sanity(a.work, t, c, r["rc"])
        if is_custody and pending:
            verdict = (f"pre-merge build ({dur(mean)}, {fmt(r['rss'], '.1f')} MB) recognises no "
                       "format yet")
        lines.append(f"| {t} | {c} | " + " | ".join(cells) + f" | {verdict} |")

    notes = []
    for c in cases:
        files, nbytes = case_size(a.work, c)
        notes.append(f"- `{c}`: {CASE_DESC.get(c, c)}: {files} file(s), {nbytes / 1e6:,.1f} MB")
    j = custody_json(a.work, "big") if "big" in cases else None
    if j and not pending:
        s = j["summary"]
        notes.append(f"- custody read {s['bytes_read']:,} of {s['bytes_total']:,} bytes of the big "
                     f"checkpoint ({100.0 * s['bytes_read'] / max(1, s['bytes_total']):.4f} %): "
                     "only the pickle members, never the tensor data.")

    checks = []
    if not pending:
        for c, peer, want in TARGETS:
            m, p = means.get(("custody", c)), means.get((peer, c))
            if m and p:
                got = p / m
                checks.append(f"- {c}: custody {got:.1f}x faster than {peer} "
                              f"(target >= {want:.0f}x): {'PASS' if got >= want else 'FAIL'}")
        for r in rows:
            if r["tool"] == "custody" and r["case"] == "big" and r["rss"] is not None:
                checks.append(f"- big: custody peak RSS {r['rss']:.1f} MB (target < "
                              f"{RSS_TARGET_MB:.0f} MB): "
                              f"{'PASS' if r['rss'] < RSS_TARGET_MB else 'FAIL'}")
    else:
        checks.append("- custody in this build recognises no format (pickle VM not merged): "
                      "targets not evaluated; re-run `make bench` after the merge.")
    for c, peer, want in TARGETS:
        p = means.get((peer, c))
        if p:
            checks.append(f"- time budget implied by the {c} target: {peer} {dur(p)} / {want:.0f} = "
                          f"custody at most {dur(p / want)}")

    mline = (f"{machine.get('date', '?')}; {machine.get('nproc', '?')} CPU(s), "
             f"{machine.get('cpu', '?')}, {machine.get('mem', '?')} RAM, {machine.get('kernel', '?')}; "
             f"Python {machine.get('python', '?')}, hyperfine {machine.get('hyperfine', '?')}, "
             f"{machine.get('runs', '?')} runs after 1 warmup (warm page cache)")
    vers = (f"custody {machine.get('custody', '?')}; picklescan {machine.get('picklescan', 'absent')}; "
            f"modelscan {machine.get('modelscan', 'absent')}")
    text = "\n".join(
        ["## Results", "", f"Machine: {mline}.", "", f"Versions: {vers}.", "", *lines, "",
         "Cases:", "", *notes, "", "Targets:", "", *checks, ""]
    )
    print(text)
    if a.results != "-":
        with open(a.results, "w") as f:
            f.write("# Benchmark results\n\nGenerated by `bash bench/run.sh` (`make bench`); see "
                    "bench/README.md for the method and caveats.\n\n" + text)
        print(f"bench: wrote {a.results}", file=sys.stderr)


if __name__ == "__main__":
    main()
