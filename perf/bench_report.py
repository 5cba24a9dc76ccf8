#!/usr/bin/python3
"""Summarises a perf/bench.sh result file as the Markdown table docs/performance.md shows.

The appliance and l3fwd run in alternation; each round's ratio compares two runs minutes apart,
so the median of per-round ratios is less sensitive to a machine whose speed drifts than the
ratio of the two medians. Both are printed.
"""
import json
import statistics
import sys

runs = json.load(open(sys.argv[1]))
size = runs[0]["result"]["size"]


def rates(dut):
    return [r["result"]["rx_mpps"] for r in runs if r["dut"] == dut]


appliance, l3fwd = rates("appliance"), rates("l3fwd")
pairs = [a / b for a, b in zip(appliance, l3fwd)]
print()
print("| device under test | forwarded Mpps, median | min | max | each round |")
print("|---|---|---|---|---|")
for name, values in (("flowlane appliance (1 worker)", appliance), ("DPDK l3fwd (1 lcore)", l3fwd)):
    print("| %s | %.2f | %.2f | %.2f | %s |" % (name, statistics.median(values), min(values), max(values),
                                              ", ".join("%.2f" % v for v in values)))
print()
print("ratio of medians: %.3f; median of per-round ratios: %.3f (rounds: %s)" % (
    statistics.median(appliance) / statistics.median(l3fwd), statistics.median(pairs),
    ", ".join("%.2f" % p for p in pairs)))
retried = [r for r in runs if r.get("attempts", 1) > 1]
if retried:
    print("retried after a failed memif handshake: %d run(s)" % len(retried))
print("%d-byte frames, %d rounds, %s" % (size, len(pairs), sys.argv[1]))
