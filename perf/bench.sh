#!/usr/bin/env bash
# The whole-system benchmark, in one go: generator → memif → device under test → memif →
# generator, the same generator, traffic, cores (generator on CPU 0, forwarding on CPU 1) and
# memif links for every device under test, which run in turns within every round:
#   1. forwarding: the flowlane appliance vs DPDK's l3fwd (built from Debian's dpdk-doc examples)
#      over a sweep of frame sizes and the simple IMIX;
#   2. latency: both at one fixed rate below saturation (LATENCY_FRACTION of the slower one's
#      64-byte median from step 1), with the generator's latency stamps;
#   3. tunnels: perf/bench-tunnels.sh (appliance ESP vs ipsec-secgw, appliance GRE) at TUNNEL_SIZES;
#   4. worker scaling: skipped here, with the reason recorded (see scaling_note).
# Writes perf/results/bench-<time>.json (and bench-tunnels-<time>.json), then perf/bench_report.py
# prints the summary and rewrites the generated section of docs/performance.md and its plots
# (docs/img/), comparing with the previous result file. The quick default takes about 8 minutes:
#   ROUNDS=2 DURATION=3 WARMUP=2 SIZES="64 128 256 512 1024 1518 imix" TUNNEL_SIZES="64 1024" ./flowlane bench
# TUNNELS=0 or LATENCY=0 skip those steps; REPORT=0 leaves docs/ alone; HUGE=0 runs the DUTs on 4 KiB pages.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-2}
duration=${DURATION:-3}
export WARMUP=${WARMUP:-2}
sizes=${SIZES:-64 128 256 512 1024 1518 imix}
tunnel_sizes=${TUNNEL_SIZES:-64 1024}
tunnel_duts=${TUNNEL_DUTS:-appliance-esp secgw-gcm-cpu appliance-gre}
latency=${LATENCY:-1}
latency_fraction=${LATENCY_FRACTION:-0.5}
latency_every=${LATENCY_EVERY:-100}
tunnels=${TUNNELS:-1}
report=${REPORT:-1}
gen_cpu=${GEN_CPU:-0}
dut_cpu=${DUT_CPU:-1}
out=perf/results
mkdir -p "$out" perf/target
stamp=$(date -u +%Y%m%dT%H%M%SZ)
started=$(date +%s)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain -- native bindings dataplane tunnels perf/src 2>/dev/null)" ] || commit="$commit+uncommitted"

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
size=64
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

# set_size SIZE: the generator's frames for one run (a size in bytes, or "imix").
set_size() {
    if [ "$1" = imix ]; then
        size=64
        pktgen_extra=(--imix)
    else
        size=$1
        pktgen_extra=()
    fi
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Runs that memif zero-copy broke are repeated (bench-lib.sh) and reported as retried; one that
# failed three times is recorded without a result rather than throwing away the rounds so far.
results=()
declare -A rates64=()
for round in $(seq 1 "$rounds"); do
    for s in $sizes; do
        for dut in appliance l3fwd; do
            set_size "$s"
            measure_with_retries "forwarding round $round $s B $dut" run_$dut || r=null
            echo "forwarding round $round $s B $dut: $r"
            label=$s
            [ "$s" = imix ] && label='"imix"'
            results+=("{\"phase\":\"forwarding\",\"round\":$round,\"size\":$label,\"dut\":\"$dut\",\"workers\":1,\"attempts\":$attempt,\"result\":$r}")
            if [ "$s" = 64 ] && [ "$r" != null ]; then
                rates64[$dut]="${rates64[$dut]:-} $(echo "$r" | grep -o '"rx_mpps":[0-9.]*' | head -1 | cut -d: -f2)"
            fi
        done
    done
done

# Latency at one rate both DUTs forward without loss: a fraction of the slower DUT's 64-byte
# median (a stamp in every LATENCY_EVERY-th frame; round trip generator → DUT → generator).
latency_pps=0
if [ "$latency" = 1 ] && [ -n "${rates64[appliance]:-}" ] && [ -n "${rates64[l3fwd]:-}" ]; then
    slower=$(printf '%s\n%s\n' "$(echo "${rates64[appliance]}" | median)" "$(echo "${rates64[l3fwd]}" | median)" | sort -g | head -1)
    latency_pps=$(awk -v m="$slower" -v f="$latency_fraction" 'BEGIN { printf "%d", m * f * 1e6 }')
    for round in $(seq 1 "$rounds"); do
        for dut in appliance l3fwd; do
            set_size 64
            pktgen_extra=(--rate-pps "$latency_pps" --latency-every "$latency_every")
            measure_with_retries "latency round $round $dut" run_$dut || r=null
            echo "latency round $round $dut at $latency_pps pps: $r"
            results+=("{\"phase\":\"latency\",\"round\":$round,\"size\":64,\"dut\":\"$dut\",\"workers\":1,\"attempts\":$attempt,\"result\":$r}")
        done
    done
fi

# Worker scaling is not run on this 2-CPU machine, and the reason is part of the result.
scaling_note="not run: 2 CPUs, one of them the generator's. A second appliance worker would share CPU 0 with the generator and the JVM's housekeeping, and would receive nothing: the appliance gives worker w queue w of every port, memif has no RSS, and the generator (Pktgen) sends on one queue pair, so a memif link carries one queue. Scaling needs more cores and a generator with one queue per worker."

tunnels_file=null
if [ "$tunnels" = 1 ]; then
    tunnels_file="$out/bench-tunnels-$stamp.json"
    ROUNDS=$rounds DURATION=$duration SIZES=$tunnel_sizes DUTS=$tunnel_duts RESULT_FILE=$tunnels_file perf/bench-tunnels.sh
    tunnels_file="\"$tunnels_file\""
fi

file="$out/bench-$stamp.json"
{
    echo "{\"kind\":\"bench\",\"stamp\":\"$stamp\",\"commit\":\"$commit\",\"rounds\":$rounds,\"duration\":$duration,\"warmup\":$WARMUP,"
    echo " \"dut_cpu\":$dut_cpu,\"gen_cpu\":$gen_cpu,\"hugepages\":$([ "$huge" = 1 ] && echo true || echo false),\"cpus\":$(nproc),"
    echo " \"command\":\"LATENCY_FRACTION=$latency_fraction ROUNDS=$rounds DURATION=$duration WARMUP=$WARMUP SIZES=\\\"$sizes\\\" TUNNEL_SIZES=\\\"$tunnel_sizes\\\" ./flowlane bench\","
    echo " \"latency_pps\":$latency_pps,\"latency_fraction\":$latency_fraction,\"latency_every\":$latency_every,"
    echo " \"scaling\":{\"run\":false,\"note\":\"$scaling_note\"},\"tunnels_file\":$tunnels_file,\"seconds\":$(($(date +%s) - started)),"
    echo " \"runs\":[$(IFS=,; echo "${results[*]}")]}"
} > "$file"
echo "results: $file"
if [ "$report" = 1 ]; then
    # Compared with the latest earlier run of the same command (else the latest earlier run).
    /usr/bin/python3 perf/bench_report.py "$file" --doc docs/performance.md --previous-in "$out"
else
    /usr/bin/python3 perf/bench_report.py "$file" --previous-in "$out"
fi
