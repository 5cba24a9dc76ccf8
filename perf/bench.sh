#!/usr/bin/env bash
# Whole-system forwarding benchmark: generator → memif → device under test → memif → generator,
# with the flowlane appliance and DPDK's own l3fwd (built from Debian's dpdk-doc examples) as the
# device under test in turns: same generator, same traffic, same cores (generator on CPU 0,
# forwarding on CPU 1), same memif links. Prints each run, the medians and their ratio, and
# writes perf/results/bench-<time>.json.
#   ROUNDS=5 DURATION=10 WARMUP=5 SIZE=64 ./flowlane bench
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
duration=${DURATION:-10}
size=${SIZE:-64}
gen_cpu=${GEN_CPU:-0}
dut_cpu=${DUT_CPU:-1}
out=perf/results
mkdir -p "$out" perf/target
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# l3fwd, compiled from the sources Debian's dpdk-doc ships (nothing of it is committed here).
# One change: 22.11's l3fwd requests RX checksum offload unconditionally and refuses to start
# on memif, which has none; the copy asks for no offloads instead. Its packet path never reads
# the checksum flags (rfc1812_process only decrements TTL and bumps the checksum), so the work
# it does per packet is unchanged.
l3fwd=perf/target/l3fwd/build/l3fwd
if [ ! -x "$l3fwd" ] || ! grep -q '\.offloads = 0,' perf/target/l3fwd/main.c; then
    echo "building DPDK l3fwd from /usr/share/dpdk/examples/l3fwd"
    rm -rf perf/target/l3fwd && cp -r /usr/share/dpdk/examples/l3fwd perf/target/l3fwd
    cp -r /usr/share/dpdk/examples/common perf/target/common 2>/dev/null || true
    sed -i 's/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0,/' perf/target/l3fwd/main.c
    grep -q '\.offloads = 0,' perf/target/l3fwd/main.c || { echo "l3fwd source changed: cannot drop the checksum offload request"; exit 1; }
    make -s -C perf/target/l3fwd >/dev/null
fi

# The generator, the memif links, the appliance runner and the retries are shared with
# perf/bench-tunnels.sh.
logs=perf/target
. perf/bench-lib.sh

# DUT memory: hugepages by default, as deployed (HUGE=0 runs both DUTs on ordinary 4 KiB pages).
huge=${HUGE:-1}
l3fwd_mem=(--no-huge -m 1024)
[ "$huge" = 1 ] && l3fwd_mem=(-m 512)

run_appliance() {
    run_appliance_config perf/bench-appliance.yaml
}

run_l3fwd() {
    rm -f "$WEST" "$EAST" /dev/hugepages/flowlane-l3fwd*
    "$l3fwd" -l "$dut_cpu" "${l3fwd_mem[@]}" --file-prefix flowlane-l3fwd --no-pci "${server_vdevs[@]}" --log-level=warning -- \
        -p 0x3 --config="(0,0,$dut_cpu),(1,0,$dut_cpu)" -P --parse-ptype \
        --eth-dest=0,02:fe:00:00:01:01 --eth-dest=1,02:fe:00:00:01:02 > perf/target/dut.log 2>&1 &
    measure_dut $!
    clean_hugepages /dev/hugepages/flowlane-l3fwd*
}

# Runs that memif zero-copy broke are repeated (bench-lib.sh) and reported as retried.
results=()
for round in $(seq 1 "$rounds"); do
    for dut in appliance l3fwd; do
        measure_with_retries "round $round $dut" run_$dut || exit 1
        echo "round $round $dut: $r"
        results+=("{\"round\":$round,\"dut\":\"$dut\",\"attempts\":$attempt,\"result\":$r}")
    done
done

json="[$(IFS=,; echo "${results[*]}")]"
echo "$json" > "$out/bench-$stamp.json"
/usr/bin/python3 perf/bench_report.py "$out/bench-$stamp.json"
