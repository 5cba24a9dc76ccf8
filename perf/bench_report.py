#!/usr/bin/python3
"""Summarises a perf/bench.sh or perf/bench-tunnels.sh result file as the Markdown tables
docs/performance.md shows.

    bench_report.py RESULT.json                      print the summary
    bench_report.py RESULT.json --doc docs/performance.md [--previous EARLIER.json]
        (perf/bench.sh's whole-system result) also rewrite the generated section of that file,
        between the bench-report markers, and its plots in docs/img/; with --previous, compare
        this run's ratios with an earlier run's.

The devices under test run in alternation; each round's ratio compares two runs minutes apart,
so the median of per-round ratios is less sensitive to a machine whose speed drifts than the
ratio of the two medians. Both are printed.
"""
import datetime
import json
import math
import os
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

BEGIN = "<!-- bench-report:begin -->"
END = "<!-- bench-report:end -->"
PERCENTILES = (("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p99_9", "p99.9"), ("max", "max"))
NAMES = {"appliance": "flowlane appliance (1 worker)", "l3fwd": "DPDK l3fwd (1 lcore)"}


def size_key(size):
    return (1, 0) if size == "imix" else (0, size)


def size_label(size):
    return "IMIX (7:4:1 of 64/594/1518)" if size == "imix" else "%d" % size


MIN_ROUNDS_TO_JUDGE = 5


def median_interval(values, confidence=0.9):
    """A distribution-free confidence interval for the median of values: the order statistics
    x(k) and x(n+1-k) for the largest k whose binomial coverage 1 - 2 P(Bin(n, 1/2) < k) is at
    least `confidence` (n = 5: min and max, 93.75 %). Returns (low, high, coverage), or None when
    there are too few values for any interval to reach `confidence`. Assumes nothing about the
    noise but that rounds are independent, which the alternating DUTs within a round help."""
    xs = sorted(values)
    n = len(xs)
    best = None
    for k in range(1, n // 2 + 1):
        below = sum(math.comb(n, i) for i in range(k)) / 2 ** n
        coverage = 1 - 2 * below
        if coverage >= confidence:
            best = (xs[k - 1], xs[n - k], coverage)
    return best


class WholeSystem:
    """One perf/bench.sh result (and the tunnel result it names): medians, ratios, per-round ratios."""

    def __init__(self, path, data):
        self.path, self.data = path, data
        self.runs = [r for r in data["runs"] if r["result"] is not None]
        self.failed = [r for r in data["runs"] if r["result"] is None]
        self.rounds = sorted({r["round"] for r in data["runs"]})
        self.sizes = sorted({r["size"] for r in self.runs if r["phase"] == "forwarding"}, key=size_key)
        self.tunnels = None
        if data.get("tunnels_file") and os.path.exists(data["tunnels_file"]):
            self.tunnels = json.load(open(data["tunnels_file"]))

    def result(self, phase, dut, size, rnd):
        found = [r["result"] for r in self.runs if r["phase"] == phase and r["dut"] == dut and r["size"] == size
                 and r["round"] == rnd]
        return found[0] if found else None

    def rates(self, dut, size):
        return [x["rx_mpps"] for x in (self.result("forwarding", dut, size, rnd) for rnd in self.rounds) if x]

    def mean_size(self, size):
        for r in self.runs:
            if r["phase"] == "forwarding" and r["size"] == size:
                return r["result"].get("mean_size", size)
        return size

    def forwarding_ratio(self, size):
        """(ratio of medians, per-round ratios) of the appliance over l3fwd."""
        pairs = []
        for rnd in self.rounds:
            a, b = self.result("forwarding", "appliance", size, rnd), self.result("forwarding", "l3fwd", size, rnd)
            if a and b and b["rx_mpps"]:
                pairs.append(a["rx_mpps"] / b["rx_mpps"])
        a, b = self.rates("appliance", size), self.rates("l3fwd", size)
        if not a or not b:
            return None
        return statistics.median(a) / statistics.median(b), pairs

    def tunnel_rate(self, dut, size, rnd):
        found = [r["result"]["rx_mpps"] for r in self.tunnels["runs"] if r["result"] is not None and r["dut"] == dut
                 and r["size"] == size and r["round"] == rnd]
        return found[0] if found else None

    def tunnel_rates(self, dut, size):
        return [v for v in (self.tunnel_rate(dut, size, rnd) for rnd in self.tunnel_rounds()) if v is not None]

    def tunnel_rounds(self):
        return sorted({r["round"] for r in self.tunnels["runs"]}) if self.tunnels else []

    def tunnel_sizes(self):
        return sorted({r["size"] for r in self.tunnels["runs"]}) if self.tunnels else []

    def tunnel_ratio(self, a, b, size, b_rate=None):
        """Appliance tunnel DUT a over b (a tunnel DUT, or b_rate(size, round) from elsewhere)."""
        b_rate = b_rate or (lambda s, rnd: self.tunnel_rate(b, s, rnd))
        pairs = [self.tunnel_rate(a, size, rnd) / b_rate(size, rnd) for rnd in self.tunnel_rounds()
                 if self.tunnel_rate(a, size, rnd) and b_rate(size, rnd)]
        mine = self.tunnel_rates(a, size)
        theirs = [v for v in (b_rate(size, rnd) for rnd in self.tunnel_rounds()) if v]
        if not mine or not theirs:
            return None
        return statistics.median(mine) / statistics.median(theirs), pairs

    def secgw(self):
        duts = list(dict.fromkeys(r["dut"] for r in self.tunnels["runs"])) if self.tunnels else []
        return [d for d in duts if d.startswith("secgw-")]

    def ratios(self):
        """Every ratio this run measured: {name: (ratio of medians, per-round ratios)}."""
        out = {}
        for size in self.sizes:
            both = self.forwarding_ratio(size)
            if both:
                out["forwarding %s: appliance / l3fwd" % ("IMIX" if size == "imix" else "%d B" % size)] = both
        for size in self.tunnel_sizes():
            for b in self.secgw():
                both = self.tunnel_ratio("appliance-esp", b, size)
                if both:
                    out["ESP %d B: appliance / %s" % (size, b)] = both
            both = self.tunnel_ratio("appliance-gre", None, size,
                                     lambda s, rnd: (self.result("forwarding", "appliance", s, rnd) or {}).get("rx_mpps"))
            if both:
                out["GRE %d B: appliance GRE / appliance forwarding" % size] = both
        return out


def gbps(mpps, size):
    return mpps * size * 8 / 1000


def rounds_text(values):
    return ", ".join("%.2f" % v for v in values)


def plot_rates(ws, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    numeric = [s for s in ws.sizes if s != "imix"]
    for dut, style in (("appliance", "o-"), ("l3fwd", "s--")):
        med = [statistics.median(ws.rates(dut, s)) if ws.rates(dut, s) else float("nan") for s in numeric]
        low = [m - min(ws.rates(dut, s)) if ws.rates(dut, s) else 0 for m, s in zip(med, numeric)]
        high = [max(ws.rates(dut, s)) - m if ws.rates(dut, s) else 0 for m, s in zip(med, numeric)]
        line = left.errorbar(numeric, med, yerr=[low, high], fmt=style, capsize=3, label=NAMES[dut])
        right.plot(numeric, [gbps(m, s) for m, s in zip(med, numeric)], style, color=line[0].get_color(), label=NAMES[dut])
        if "imix" in ws.sizes and ws.rates(dut, "imix"):
            mean = ws.mean_size("imix")
            m = statistics.median(ws.rates(dut, "imix"))
            left.plot([mean], [m], "*", markersize=12, color=line[0].get_color(), label="%s, IMIX" % dut)
            right.plot([mean], [gbps(m, mean)], "*", markersize=12, color=line[0].get_color(), label="%s, IMIX" % dut)
    for ax, label in ((left, "received Mpps (median; bars: min-max of rounds)"), (right, "Gbit/s (frames incl. FCS)")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(numeric)
        ax.set_xticklabels([str(s) for s in numeric])
        ax.set_xlabel("frame size, bytes")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Forwarding, one core, memif: %s (noisy 2-vCPU VM: compare the curves, not the numbers)"
                 % os.path.basename(ws.path), fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=90, metadata={"Software": None})
    plt.close(fig)


def latency_medians(ws, dut):
    stats = [x["latency_us"] for x in (ws.result("latency", dut, 64, rnd) for rnd in ws.rounds) if x and x.get("latency_us")]
    if not stats:
        return None
    return {key: statistics.median(s[key] for s in stats) for key, _ in PERCENTILES}, stats


def plot_latency(ws, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.38
    for i, dut in enumerate(("appliance", "l3fwd")):
        both = latency_medians(ws, dut)
        if not both:
            continue
        values = [both[0][key] for key, _ in PERCENTILES]
        ax.bar([x + (i - 0.5) * width for x in range(len(PERCENTILES))], values, width, label=NAMES[dut])
    ax.set_xticks(range(len(PERCENTILES)))
    ax.set_xticklabels([label for _, label in PERCENTILES])
    ax.set_yscale("log")
    ax.set_ylabel("round trip, µs (median over rounds)")
    ax.set_title("Latency at %d pps, 64-byte frames: %s" % (ws.data["latency_pps"], os.path.basename(ws.path)), fontsize=9)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=90, metadata={"Software": None})
    plt.close(fig)


def whole_system_report(path, data, previous=None, doc=None):
    """perf/bench.sh's result as Markdown; with doc, also written into doc's generated section and plots."""
    ws = WholeSystem(path, data)
    lines = []
    add = lines.append
    stamp = datetime.datetime.strptime(data["stamp"], "%Y%m%dT%H%M%SZ").strftime("%Y-%m-%d %H:%M UTC")
    files = "`%s`" % path + (" and `%s`" % data["tunnels_file"] if ws.tunnels else "")
    add(BEGIN)
    add("## Whole-system report (generated)")
    add("")
    add("*Generated by `perf/bench_report.py` from %s (run of %s, commit `%s`, %d s); do not edit by hand: "
        "`./flowlane bench` rewrites everything between the bench-report markers.* Command: `%s` "
        "(%d rounds of %d s after %d s warm-up, the DUTs alternating within each round; DUT on CPU %s, generator on CPU %s, "
        "DUT on %s)." % (files, stamp, data.get("commit", "?"), data.get("seconds", 0), data.get("command", "./flowlane bench"),
                         len(ws.rounds), data["duration"], data["warmup"], data["dut_cpu"], data["gen_cpu"],
                         "hugepages" if data.get("hugepages", True) else "4 KiB pages"))
    add("")
    add("**Machine caveat:** a %s-vCPU KVM guest (AMD EPYC) shared with other tenants and other agents' builds; the "
        "same binary's rate swings by 2× from run to run. Only ratios measured side by side mean anything, and those "
        "with their per-round spread; absolute Mpps, Gbit/s and µs say nothing about real hardware." % data.get("cpus", 2))
    add("")
    add("### Forwarding: appliance vs l3fwd by frame size")
    add("")
    add("| frame size | appliance Mpps, median (each round) | l3fwd Mpps, median (each round) | appliance Gbit/s | l3fwd Gbit/s "
        "| ratio of medians | per-round ratios |")
    add("|---|---|---|---|---|---|---|")
    for size in ws.sizes:
        a, b = ws.rates("appliance", size), ws.rates("l3fwd", size)
        both = ws.forwarding_ratio(size)
        mean = ws.mean_size(size)
        add("| %s | %s | %s | %s | %s | %s | %s |" % (
            size_label(size),
            "%.2f (%s)" % (statistics.median(a), rounds_text(a)) if a else "—",
            "%.2f (%s)" % (statistics.median(b), rounds_text(b)) if b else "—",
            "%.2f" % gbps(statistics.median(a), mean) if a else "—",
            "%.2f" % gbps(statistics.median(b), mean) if b else "—",
            "**%.2f**" % both[0] if both else "—", rounds_text(both[1]) if both else "—"))
    add("")
    add("Gbit/s = Mpps × frame size × 8 (the generator's frames, FCS included; IMIX: its mean, %.1f bytes). "
        "Received at the generator, sent as fast as the DUT takes frames (its ring is full again and again)."
        % ws.mean_size("imix") if "imix" in ws.sizes else
        "Gbit/s = Mpps × frame size × 8 (the generator's frames, FCS included).")
    if doc:
        add("")
        add("![rate vs frame size](img/bench-rate-vs-size.png)")
    add("")
    add("### Latency below saturation")
    add("")
    if data.get("latency_pps"):
        add("Both DUTs at %d pps of 64-byte frames (%.0f%% of the slower DUT's 64-byte median above), a time stamp in "
            "every %d-th frame; round trip generator → DUT → generator, through two memif links and the generator's "
            "own poll loop. µs, median over rounds (each round's value in brackets):"
            % (data["latency_pps"], 100 * data["latency_fraction"], data["latency_every"]))
        add("")
        add("| device under test | samples | " + " | ".join(label for _, label in PERCENTILES) + " | lost |")
        add("|---|---|" + "---|" * len(PERCENTILES) + "---|")
        for dut in ("appliance", "l3fwd"):
            both = latency_medians(ws, dut)
            if not both:
                add("| %s | no result |%s" % (NAMES[dut], " |" * (len(PERCENTILES) + 1)))
                continue
            med, each = both
            results = [x for x in (ws.result("latency", dut, 64, rnd) for rnd in ws.rounds) if x]
            add("| %s | %d | %s | %s |" % (
                NAMES[dut], sum(s["samples"] for s in each),
                " | ".join("%.1f (%s)" % (med[key], ", ".join("%.1f" % s[key] for s in each)) for key, _ in PERCENTILES),
                ", ".join("%d" % x.get("lost_packets", 0) for x in results)))
        if doc:
            add("")
            add("![latency percentiles](img/bench-latency.png)")
    else:
        add("Not run (LATENCY=0, or no 64-byte rate to take a fraction of).")
    add("")
    add("### Tunnels")
    add("")
    if ws.tunnels:
        add("`perf/bench-tunnels.sh` as a step of the same run (set-up in [IPsec ESP and GRE](#ipsec-esp-and-gre)); "
            "GRE is compared with the appliance's plain forwarding of the same size and round from the table above.")
        add("")
        add("| frame size | device under test | Mpps, median (each round) | Gbit/s |")
        add("|---|---|---|---|")
        duts = list(dict.fromkeys(r["dut"] for r in ws.tunnels["runs"]))
        for size in ws.tunnel_sizes():
            for dut in duts:
                values = ws.tunnel_rates(dut, size)
                if values:
                    add("| %d | %s | %.2f (%s) | %.2f |" % (size, dut, statistics.median(values), rounds_text(values),
                                                           gbps(statistics.median(values), size)))
        add("")
        for dut in duts:
            add("* %s: %s" % (dut, ws.tunnels.get("setups", {}).get(dut, "?")))
    else:
        add("Not run (TUNNELS=0).")
    add("")
    add("### Worker scaling")
    add("")
    add("Scaling %s" % data.get("scaling", {}).get("note", "not run."))
    add("")
    add("### Ratios, and how this run compares with another run")
    add("")
    mine = ws.ratios()
    theirs = WholeSystem(previous, json.load(open(previous))).ratios() if previous else {}
    if theirs:
        add("Agreement rule: each ratio is judged on its per-round ratios (the two DUTs measured back to back in the "
            "same round, which cancels slow drift of the machine). For each run, the median of those and a "
            "distribution-free confidence interval for it: order statistics whose binomial coverage is at least 90 %% "
            "(with %d rounds: min and max, 93.75 %%). The runs agree on a ratio when their two intervals overlap; a "
            "ratio with fewer than %d rounds in either run is not judged." % (MIN_ROUNDS_TO_JUDGE, MIN_ROUNDS_TO_JUDGE))
        add("")
        add("| ratio | this run: median of per-round ratios [interval] (rounds) | other run `%s` (%s): median "
            "[interval] (rounds) | agree? |" % (os.path.basename(previous), "same command" if json.load(open(previous)).get(
                "command") == data.get("command") else "a different command"))
        add("|---|---|---|---|")
    else:
        add("| ratio | of medians | per-round ratios | median of per-round ratios [interval] |")
        add("|---|---|---|---|")

    def judged(pairs):
        interval = median_interval(pairs) if len(pairs) >= MIN_ROUNDS_TO_JUDGE else None
        text = "%.3f" % statistics.median(pairs) if pairs else "—"
        if interval:
            text += " [%.3f, %.3f]" % interval[:2]
        return interval, text + " (%s)" % rounds_text(pairs)

    agreed = total = 0
    for name, (of_medians, pairs) in mine.items():
        interval, text = judged(pairs)
        if not theirs:
            add("| %s | %.3f | %s | %s |" % (name, of_medians, rounds_text(pairs), text.split(" (")[0]))
            continue
        if name not in theirs:
            add("| %s | %s | — | |" % (name, text))
            continue
        other_interval, other_text = judged(theirs[name][1])
        if interval is None or other_interval is None:
            verdict = "not judged (fewer than %d rounds)" % MIN_ROUNDS_TO_JUDGE
        else:
            ok = interval[0] <= other_interval[1] and other_interval[0] <= interval[1]
            agreed += ok
            total += 1
            verdict = "yes" if ok else "**no**"
        add("| %s | %s | %s | %s |" % (name, text, other_text, verdict))
    if theirs:
        add("")
        add("%d of %d judged ratios agree with the other run (intervals overlap)." % (agreed, total))
    retried = [r for r in data["runs"] if r.get("attempts", 1) > 1]
    add("")
    add("Runs retried after a failed memif zero-copy link: %d of %d%s." % (
        len(retried), len(data["runs"]),
        "; without a result after 3 attempts: " + ", ".join("%s round %d %s %s" % (r["phase"], r["round"], r["size"], r["dut"])
                                                           for r in ws.failed) if ws.failed else ""))
    add(END)
    section = "\n".join(lines)
    if doc:
        img = os.path.join(os.path.dirname(doc), "img")
        os.makedirs(img, exist_ok=True)
        plot_rates(ws, os.path.join(img, "bench-rate-vs-size.png"))
        if data.get("latency_pps"):
            plot_latency(ws, os.path.join(img, "bench-latency.png"))
        text = open(doc).read()
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        open(doc, "w").write(text)
        print("rewrote the generated section of %s and its plots in %s" % (doc, img))
    return section


def previous_run(folder, path, data):
    """The run to compare with: the latest earlier whole-system result with the same command (same
    sizes, rounds, durations), else the latest earlier one."""
    earlier = []
    for name in sorted(os.listdir(folder)):
        candidate = os.path.join(folder, name)
        if not (name.startswith("bench-2") and name.endswith(".json")) or os.path.samefile(candidate, path):
            continue
        try:
            other = json.load(open(candidate))
        except ValueError:
            continue
        if isinstance(other, dict) and other.get("kind") == "bench" and other.get("stamp", "") < data.get("stamp", ""):
            earlier.append((other.get("command") == data.get("command"), other.get("stamp", ""), candidate))
    return max(earlier)[2] if earlier else None


def main():
    args = sys.argv[1:]
    doc = previous = None
    if "--doc" in args:
        doc = args.pop(args.index("--doc") + 1)
        args.remove("--doc")
    if "--previous" in args:  # the run to compare with (earlier or later: a rerun of the same command)
        previous = args.pop(args.index("--previous") + 1)
        args.remove("--previous")
    path = args[0]
    data = json.load(open(path))
    if "--previous-in" in args:
        folder = args.pop(args.index("--previous-in") + 1)
        args.remove("--previous-in")
        previous = previous_run(folder, path, data)
    if isinstance(data, dict) and data.get("kind") == "bench":
        print(whole_system_report(path, data, previous, doc))
    elif isinstance(data, dict) and data.get("kind") == "bench-tunnels":
        tunnels_report(data, path)
    else:
        forwarding_report(data, path)


if __name__ == "__main__":
    main()
