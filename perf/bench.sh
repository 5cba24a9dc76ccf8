#!/usr/bin/env bash
# Whole-system forwarding benchmark: generator → memif → device under test → memif → generator,
# with the flowlane appliance and DPDK's own l3fwd (built from Debian's dpdk-doc examples) as the
# device under test in turns: same generator, same traffic, same cores (generator on CPU 0,
# forwarding on CPU 1), same memif links. Prints each run, the medians and their ratio, and
# writes perf/results/bench-<time>.json.
#   ROUNDS=3 DURATION=10 SIZE=64 ./flowlane bench
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${DURATION:-10}
size=${SIZE:-64}
gen_cpu=${GEN_CPU:-0}
dut_cpu=${DUT_CPU:-1}
out=perf/results
mkdir -p "$out" perf/target
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# l3fwd, compiled from the sources Debian ships (not committed here).
l3fwd=perf/target/l3fwd/build/l3fwd
if [ ! -x "$l3fwd" ]; then
    echo "building DPDK l3fwd from /usr/share/dpdk/examples/l3fwd"
    rm -rf perf/target/l3fwd && cp -r /usr/share/dpdk/examples/l3fwd perf/target/l3fwd
    cp -r /usr/share/dpdk/examples/common perf/target/common 2>/dev/null || true
    make -s -C perf/target/l3fwd >/dev/null
fi

WEST=/run/flowlane/memif-west.sock
EAST=/run/flowlane/memif-east.sock
client_vdevs=(--vdev "net_memif0,role=client,id=0,socket=$WEST,socket-abstract=no,mac=02:fe:00:00:00:01"
              --vdev "net_memif1,role=client,id=0,socket=$EAST,socket-abstract=no,mac=02:fe:00:00:00:02")

pktgen() {
    ./flowlane java io.flowlane.perf.Pktgen --quiet \
        --vdev "net_memif0,role=server,id=0,socket=$WEST,socket-abstract=no,mac=02:fe:00:00:01:01" \
        --vdev "net_memif1,role=server,id=0,socket=$EAST,socket-abstract=no,mac=02:fe:00:00:01:02" \
        --tx-port net_memif0 --rx-port net_memif1 --dst-mac 02:fe:00:00:00:01 --core "$gen_cpu" \
        --dst-ip 198.18.1.1 --dst-count 200 --flows 1024 --size "$size" --warmup 3 --duration "$duration" \
        | grep -o '{.*}'
}

run_appliance() {
    sed "s/cores: \[1\]/cores: [$dut_cpu]/" perf/bench-appliance.yaml > perf/target/bench-appliance.yaml
    ./flowlane java io.flowlane.dataplane.ApplianceMain perf/target/bench-appliance.yaml $((duration + 10)) > perf/target/dut.log 2>&1 &
    local dut=$!
    local result
    result=$(pktgen)
    kill -INT $dut 2>/dev/null || true
    wait $dut 2>/dev/null || true
    echo "$result"
}

run_l3fwd() {
    "$l3fwd" -l "$dut_cpu" --no-huge -m 1024 --file-prefix flowlane-l3fwd --no-pci "${client_vdevs[@]}" --log-level=warning -- \
        -p 0x3 --config="(0,0,$dut_cpu),(1,0,$dut_cpu)" -P --parse-ptype \
        --eth-dest=0,02:fe:00:00:01:01 --eth-dest=1,02:fe:00:00:01:02 > perf/target/dut.log 2>&1 &
    local dut=$!
    local result
    result=$(pktgen)
    kill -INT $dut 2>/dev/null || true
    wait $dut 2>/dev/null || true
    echo "$result"
}

results=()
for round in $(seq 1 "$rounds"); do
    for dut in appliance l3fwd; do
        rm -f "$WEST" "$EAST"
        r=$(run_$dut)
        echo "round $round $dut: $r"
        results+=("{\"round\":$round,\"dut\":\"$dut\",\"result\":$r}")
    done
done

json="[$(IFS=,; echo "${results[*]}")]"
echo "$json" > "$out/bench-$stamp.json"
/usr/bin/python3 - "$out/bench-$stamp.json" "$size" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))
def med(dut, key):
    return statistics.median(r["result"][key] for r in runs if r["dut"] == dut)
a, l = med("appliance", "rx_mpps"), med("l3fwd", "rx_mpps")
print()
print("| device under test | forwarded Mpps (median of %d) | offered Mpps | runs |" % (len(runs) // 2))
print("|---|---|---|---|")
for dut in ("appliance", "l3fwd"):
    each = ", ".join("%.2f" % r["result"]["rx_mpps"] for r in runs if r["dut"] == dut)
    print("| %s | %.2f | %.2f | %s |" % (dut, med(dut, "rx_mpps"), med(dut, "offered_mpps"), each))
print()
print("ratio appliance / l3fwd = %.3f  (%s-byte frames, results in %s)" % (a / l, sys.argv[2], sys.argv[1]))
PY
