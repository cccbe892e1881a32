#!/usr/bin/env python3
"""Percentiles of the requests between two /actuator/prometheus scrapes, from the service's own histograms
(upper bucket bounds), and the GC pauses in between. Usage: histdiff.py BEFORE AFTER"""
import re
import sys


def load(path):
    values = {}
    for line in open(path):
        if line.startswith('#'):
            continue
        m = re.match(r'(\S+?)\{(.*)\}\s+(\S+)', line)
        if m:
            values[(m.group(1), m.group(2))] = float(m.group(3))
    return values


before, after = load(sys.argv[1]), load(sys.argv[2])
for metric in ['trainyard_inference_requests_seconds', 'trainyard_inference_compute_time_seconds',
               'trainyard_inference_queue_time_seconds']:
    rows = sorted((float(re.search(r'le="([^"]+)"', labels).group(1).replace('+Inf', 'inf')),
                   v - before.get((name, labels), 0))
                  for (name, labels), v in after.items() if name == metric + '_bucket')
    if not rows:
        continue
    total = rows[-1][1]
    parts = []
    for q in (0.5, 0.9, 0.95, 0.98, 0.99, 0.999):
        le = next(le for le, count in rows if count >= q * total)
        parts.append(f"p{q * 100:g}<={le * 1000:.2f}ms")
    print(metric, int(total), ' '.join(parts))
pauses = sum(v - before.get(k, 0) for k, v in after.items() if k[0] == 'jvm_gc_pause_seconds_count')
seconds = sum(v - before.get(k, 0) for k, v in after.items() if k[0] == 'jvm_gc_pause_seconds_sum')
print(f"gc pauses {pauses:.0f}, {seconds * 1000:.0f} ms in all")
