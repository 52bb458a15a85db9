#!/usr/bin/env python3
"""Peak resident memory of every peer target during a peers.sh run (its table has no RSS column).

Every second, sums VmRSS over each target's process tree: the process whose command line names the folder
WORK/<target> and all its descendants (nginx workers rename themselves, so they are found through their
parent). On SIGTERM, prints `target peak-MB` lines, highest first."""
import os, re, signal, sys, time

work = sys.argv[1].rstrip("/") + "/"
peaks = {}

def snapshot():
    parent, rss, target_of = {}, {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent[pid] = fields.get("PPid", "0").strip()
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        at = command.find(work)
        if at >= 0:
            # The first path component after WORK, when it is a target's folder (the load generators name files).
            name = re.split(r"[/\s]", command[at + len(work):], maxsplit=1)[0]
            if name and os.path.isdir(work + name):
                target_of[pid] = name
    totals = {}
    for pid in rss:
        walk, seen = pid, 0
        while walk not in target_of and walk in parent and seen < 64:
            walk, seen = parent[walk], seen + 1
        if walk in target_of:
            totals[target_of[walk]] = totals.get(target_of[walk], 0) + rss[pid]
    for target, kilobytes in totals.items():
        peaks[target] = max(peaks.get(target, 0), kilobytes)

def report(*_):
    for target, kilobytes in sorted(peaks.items(), key=lambda item: -item[1]):
        print(f"{target} {kilobytes / 1024:.1f}")
    sys.exit(0)

signal.signal(signal.SIGTERM, report)
while True:
    snapshot()
    time.sleep(1)
