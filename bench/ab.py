#!/usr/bin/env python3
"""Alternating A/B timing: runs each command N times in turn (A B C A B C ...), so that a
noisy, shared machine slows all of them alike, and prints the median and minimum wall time and
CPU time (user+sys of the child, from wait4) of each.

    python3 bench/ab.py 30 "build/release/custody scan --no-progress bench/work/small" \\
                           "ENV=1 | /tmp/base/custody scan --no-progress bench/work/small"

A command may start with environment assignments followed by '|'. Output goes to /dev/null.
The fork/exec of this loop costs about 1 ms per run, the same for every command."""
import os
import shlex
import statistics
import sys
import time


def run(spec):
    envs, _, cmd = spec.rpartition("|") if "|" in spec else ("", "", spec)
    env = dict(os.environ)
    for kv in envs.split():
        k, v = kv.split("=", 1)
        env[k] = v
    args = shlex.split(cmd)
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        try:
            os.execvpe(args[0], args, env)
        finally:
            os._exit(127)
    _, _, ru = os.wait4(pid, 0)
    return (time.perf_counter() - t0) * 1000, (ru.ru_utime + ru.ru_stime) * 1000


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    specs = sys.argv[2:]
    res = {s: ([], []) for s in specs}
    for _ in range(n):
        for s in specs:
            w, c = run(s)
            res[s][0].append(w)
            res[s][1].append(c)
    for s in specs:
        w, c = res[s]
        print("wall med %8.2f min %8.2f | cpu med %8.2f min %8.2f | %s"
              % (statistics.median(w), min(w), statistics.median(c), min(c), s.strip()))


if __name__ == "__main__":
    main()
