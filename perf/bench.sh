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

# Every JVM thread but the appliance's worker (generator loop, JIT, GC, control) lives on the
# generator's CPU, so the forwarding CPU runs only the forwarding thread, for l3fwd and for us.
export FLOWLANE_HOUSEKEEPING_CPUS=$gen_cpu

WEST=/run/flowlane/memif-west.sock
EAST=/run/flowlane/memif-east.sock
server_vdevs=(--vdev "net_memif0,role=server,id=0,socket=$WEST,socket-abstract=no,mac=02:fe:00:00:00:01"
              --vdev "net_memif1,role=server,id=0,socket=$EAST,socket-abstract=no,mac=02:fe:00:00:00:02")

# The generator is a memif client in zero-copy mode (its mbufs live in shared hugepage memory),
# so it copies nothing: the device under test, the memif server, does every copy on both links.
# Otherwise one generator core pays the same copies as the DUT and cannot outrun it. The DUT
# starts first (it owns the sockets); the generator waits for its links, warms up, measures.
start_pktgen() {
    for _ in $(seq 1 100); do
        [ -S "$WEST" ] && [ -S "$EAST" ] && break
        sleep 0.1
    done
    [ -S "$WEST" ] && [ -S "$EAST" ] || { echo "the device under test did not create its memif sockets; its log ends:"; tail -5 perf/target/dut.log; exit 1; }
    rm -f /dev/hugepages/flowlane-pktgen-*
    ./flowlane java io.flowlane.perf.Pktgen --quiet --hugepages --memory-mb 256 --eal-arg=--single-file-segments \
        --file-prefix "flowlane-pktgen-$$-$RANDOM" \
        --vdev "net_memif0,role=client,id=0,socket=$WEST,socket-abstract=no,zero-copy=yes,mac=02:fe:00:00:01:01" \
        --vdev "net_memif1,role=client,id=0,socket=$EAST,socket-abstract=no,zero-copy=yes,mac=02:fe:00:00:01:02" \
        --tx-port net_memif0 --rx-port net_memif1 --dst-mac 02:fe:00:00:00:01 --core "$gen_cpu" \
        --dst-ip 198.18.1.1 --dst-count 200 --flows 1024 --size "$size" --warmup "${WARMUP:-5}" --duration "$duration" \
        > perf/target/pktgen.log 2>&1 &
    generator=$!
}

# Waits for the generator (in this shell: it is our child) and leaves its JSON in $result.
finish_pktgen() {
    wait "$generator" || true
    result=$(grep -o '{.*}' perf/target/pktgen.log || true)
}

# DUT memory: hugepages by default, as deployed (HUGE=0 runs both DUTs on ordinary 4 KiB pages).
huge=${HUGE:-1}
l3fwd_mem=(--no-huge -m 1024)
[ "$huge" = 1 ] && l3fwd_mem=(-m 512)

run_appliance() {
    sed "s/cores: \[1\]/cores: [$dut_cpu]/" perf/bench-appliance.yaml > perf/target/bench-appliance.yaml
    [ "$huge" = 1 ] && sed -i 's/no-huge: true/no-huge: false/; s/memory-mb: 1024/memory-mb: 512/' perf/target/bench-appliance.yaml
    rm -f /dev/hugepages/flowlane-bench*
    rm -f "$WEST" "$EAST"
    ./flowlane java io.flowlane.dataplane.ApplianceMain perf/target/bench-appliance.yaml $((duration + ${WARMUP:-5} + 12)) > perf/target/dut.log 2>&1 &
    local dut=$!
    start_pktgen
    finish_pktgen
    # A DUT that died during the run (memif zero-copy can crash the server with SIGBUS in 22.11)
    # measured nothing trustworthy: report no result, so the run is retried.
    kill -0 $dut 2>/dev/null || result=""
    kill -INT $dut 2>/dev/null || true
    wait $dut 2>/dev/null || true
    echo "$result"
}

run_l3fwd() {
    rm -f "$WEST" "$EAST" /dev/hugepages/flowlane-l3fwd*
    "$l3fwd" -l "$dut_cpu" "${l3fwd_mem[@]}" --file-prefix flowlane-l3fwd --no-pci "${server_vdevs[@]}" --log-level=warning -- \
        -p 0x3 --config="(0,0,$dut_cpu),(1,0,$dut_cpu)" -P --parse-ptype \
        --eth-dest=0,02:fe:00:00:01:01 --eth-dest=1,02:fe:00:00:01:02 > perf/target/dut.log 2>&1 &
    local dut=$!
    start_pktgen
    finish_pktgen
    # A DUT that died during the run (memif zero-copy can crash the server with SIGBUS in 22.11)
    # measured nothing trustworthy: report no result, so the run is retried.
    kill -0 $dut 2>/dev/null || result=""
    kill -INT $dut 2>/dev/null || true
    wait $dut 2>/dev/null || true
    echo "$result"
}

# DPDK 22.11's memif zero-copy mode fails now and then: the handshake breaks (the generator logs
# "sendmsg fail: Bad file descriptor" and its link never comes up), a link comes up without
# carrying traffic, or the server dies of SIGBUS reading the client's memory. Such a run
# measured nothing; it is repeated, at most twice, and reported as retried.
results=()
for round in $(seq 1 "$rounds"); do
    for dut in appliance l3fwd; do
        for attempt in 1 2 3; do
            r=$(run_$dut)
            if [ -n "$r" ] && ! echo "$r" | grep -q '"rx_packets":0,'; then
                break
            fi
            echo "round $round $dut: attempt $attempt measured nothing (memif link); retrying"
            r=""
        done
        [ -n "$r" ] || { echo "round $round: $dut produced no result; logs end:"; tail -3 perf/target/dut.log perf/target/pktgen.log; exit 1; }
        echo "round $round $dut: $r"
        results+=("{\"round\":$round,\"dut\":\"$dut\",\"attempts\":$attempt,\"result\":$r}")
    done
done

json="[$(IFS=,; echo "${results[*]}")]"
echo "$json" > "$out/bench-$stamp.json"
/usr/bin/python3 perf/bench_report.py "$out/bench-$stamp.json"
