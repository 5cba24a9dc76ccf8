#!/usr/bin/python3
"""Summarises a perf/bench.sh or perf/bench-tunnels.sh result file as the Markdown tables
docs/performance.md shows.

The devices under test run in alternation; each round's ratio compares two runs minutes apart,
so the median of per-round ratios is less sensitive to a machine whose speed drifts than the
ratio of the two medians. Both are printed.
"""
import json
import statistics
import sys


def forwarding_report(runs, path):
    """perf/bench.sh: a list of runs, appliance and l3fwd alternating."""
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
    print("%d-byte frames, %d rounds, %s" % (size, len(pairs), path))


def tunnels_report(data, path):
    """perf/bench-tunnels.sh: runs per round, frame size and DUT."""
    failed = [r for r in data["runs"] if r["result"] is None]
    runs = [r for r in data["runs"] if r["result"] is not None]
    sizes = sorted({r["size"] for r in runs})
    duts = list(dict.fromkeys(r["dut"] for r in runs))
    rounds = sorted({r["round"] for r in runs})

    def rate(dut, size, rnd):
        found = [r["result"]["rx_mpps"] for r in runs if r["dut"] == dut and r["size"] == size and r["round"] == rnd]
        return found[0] if found else None

    def rates(dut, size):
        return [v for v in (rate(dut, size, rnd) for rnd in rounds) if v is not None]

    def gbps(mpps, size):
        return mpps * size * 8 / 1000

    def ratio(a, b, size):
        """(ratio of medians, median of per-round ratios, per-round ratios) of DUT a over DUT b."""
        pairs = [rate(a, size, rnd) / rate(b, size, rnd) for rnd in rounds
                 if rate(a, size, rnd) is not None and rate(b, size, rnd)]
        if not pairs:
            return None
        return statistics.median(rates(a, size)) / statistics.median(rates(b, size)), statistics.median(pairs), pairs

    print()
    print("Received Mpps at the generator, one forwarding core; Gbit/s = Mpps x frame size x 8 "
          "(the generator's frames, FCS included, no preamble or gap).")
    print()
    print("| frame size | device under test | Mpps, median | Gbit/s | min | max | each round | runs retried |")
    print("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        for dut in duts:
            values = rates(dut, size)
            if not values:
                continue
            retried = sum(1 for r in runs if r["dut"] == dut and r["size"] == size and r.get("attempts", 1) > 1)
            median = statistics.median(values)
            print("| %d | %s | %.2f | %.2f | %.2f | %.2f | %s | %d |" % (
                size, dut, median, gbps(median, size), min(values), max(values),
                ", ".join("%.2f" % v for v in values), retried))
    secgws = [d for d in duts if d.startswith("secgw-")]
    if "appliance-esp" in duts and secgws:
        # The headline: the appliance against ipsec-secgw's fastest setup at each size.
        print()
        print("| frame size | appliance ESP, Mpps (Gbit/s) | fastest ipsec-secgw setup | its Mpps (Gbit/s) | "
              "ratio of medians | median of per-round ratios |")
        print("|---|---|---|---|---|---|")
        for size in sizes:
            candidates = [d for d in secgws if rates(d, size)]
            if not rates("appliance-esp", size) or not candidates:
                continue
            best = max(candidates, key=lambda d: statistics.median(rates(d, size)))
            ours, theirs = statistics.median(rates("appliance-esp", size)), statistics.median(rates(best, size))
            both = ratio("appliance-esp", best, size)
            print("| %d | %.2f (%.2f) | %s | %.2f (%.2f) | %.3f | %s |" % (
                size, ours, gbps(ours, size), best, theirs, gbps(theirs, size), ours / theirs,
                "%.3f" % both[1] if both else "n/a"))
    comparisons = [("appliance-esp", d) for d in secgws]
    if "appliance-esp" in duts and comparisons:
        print()
        print("| frame size | ESP: appliance / ipsec-secgw setup | ratio of medians | median of per-round ratios | each round |")
        print("|---|---|---|---|---|")
        for size in sizes:
            for a, b in comparisons:
                if ratio(a, b, size) is None:
                    continue
                of_medians, of_pairs, pairs = ratio(a, b, size)
                print("| %d | %s / %s | %.3f | %.3f | %s |" % (size, a, b, of_medians, of_pairs,
                                                              ", ".join("%.2f" % p for p in pairs)))
    if "appliance-gre" in duts and "appliance-fwd" in duts:
        print()
        print("| frame size | appliance GRE encap, Mpps | appliance plain forwarding, Mpps | GRE / forwarding, median of per-round ratios |")
        print("|---|---|---|---|")
        for size in sizes:
            if ratio("appliance-gre", "appliance-fwd", size) is None:
                continue
            _, of_pairs, _ = ratio("appliance-gre", "appliance-fwd", size)
            print("| %d | %.2f | %.2f | %.3f |" % (size, statistics.median(rates("appliance-gre", size)),
                                                 statistics.median(rates("appliance-fwd", size)), of_pairs))
    print()
    for dut in duts:
        print("* %s: %s" % (dut, data.get("setups", {}).get(dut, "?")))
    for line in data.get("verified", []):
        print("* verified: " + line.split(": ", 1)[0] + ": " + line.split(": ", 2)[-1])
    retried = [r for r in runs if r.get("attempts", 1) > 1]
    print()
    print("%d rounds of %d s (after %d s warm-up), DUT on CPU %s, %s; %d of %d runs retried after a failed memif "
          "link (%d extra attempts); %s" % (
              len(rounds), data.get("duration", 0), data.get("warmup", 0), data.get("dut_cpu", "?"),
              "hugepages" if data.get("hugepages", True) else "4 KiB pages", len(retried), len(runs),
              sum(r["attempts"] - 1 for r in retried), path))
    if "commit" in data:
        print("commit %s" % data["commit"])
    for r in failed:
        print("no result after %d attempts: round %d, %d B, %s" % (r["attempts"], r["round"], r["size"], r["dut"]))


def main():
    data = json.load(open(sys.argv[1]))
    if isinstance(data, dict) and data.get("kind") == "bench-tunnels":
        tunnels_report(data, sys.argv[1])
    else:
        forwarding_report(data, sys.argv[1])


if __name__ == "__main__":
    main()
