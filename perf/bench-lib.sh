# Shared by the whole-system benchmarks (perf/bench.sh: forwarding vs l3fwd; perf/bench-tunnels.sh:
# ESP vs ipsec-secgw, GRE): the generator, the memif links, running the appliance from a config,
# and retrying runs that memif zero-copy broke. Sourced, not run. The caller sets (defaults here):
#   duration, size, gen_cpu, dut_cpu, huge (1: DUT on hugepages), logs (folder for dut.log, pktgen.log)
# and may set pktgen_extra (more Pktgen arguments) and east_vdev_client (the generator's east link;
# empty: the generator has no east link and counts what returns on the west link).
# shellcheck shell=bash

duration=${duration:-10}
size=${size:-64}
gen_cpu=${gen_cpu:-0}
dut_cpu=${dut_cpu:-1}
huge=${huge:-1}
logs=${logs:-perf/target}
mkdir -p "$logs" /run/flowlane

# Every JVM thread but the appliance's worker (generator loop, JIT, GC, control) lives on the
# generator's CPU, so the forwarding CPU runs only the forwarding thread, for the C DUTs and for us.
export FLOWLANE_HOUSEKEEPING_CPUS=$gen_cpu

WEST=/run/flowlane/memif-west.sock
EAST=/run/flowlane/memif-east.sock
west_vdev_server="net_memif0,role=server,id=0,socket=$WEST,socket-abstract=no,mac=02:fe:00:00:00:01"
east_vdev_server="net_memif1,role=server,id=0,socket=$EAST,socket-abstract=no,mac=02:fe:00:00:00:02"
# shellcheck disable=SC2034  # for the callers' C devices under test (l3fwd, ipsec-secgw)
server_vdevs=(--vdev "$west_vdev_server" --vdev "$east_vdev_server")
east_vdev_client=${east_vdev_client-"net_memif1,role=client,id=0,socket=$EAST,socket-abstract=no,zero-copy=yes,mac=02:fe:00:00:01:02"}
pktgen_extra=(${pktgen_extra[@]+"${pktgen_extra[@]}"})

# The generator always runs on hugepages (256 MB), the DUT too unless HUGE=0 (512 MB), and
# ipsec-secgw with its crypto vdev needs more: reserve 1024 2-MB pages unless there are already
# that many. A fresh machine has none, and DPDK would then stop at start with no memory.
reserve_hugepages() {
    local pages=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
    if [ "$(cat "$pages")" -lt 1024 ]; then
        echo 1024 > "$pages"
        [ "$(cat "$pages")" -ge 1024 ] || echo "warning: only $(cat "$pages") hugepages could be reserved" >&2
    fi
    mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages
}
reserve_hugepages

# Hugepage files outlive their DPDK process and keep the pages reserved: remove ours after a run.
# The callers add their DUT's files as arguments.
# shellcheck disable=SC2120
clean_hugepages() {
    rm -f /dev/hugepages/flowlane-pktgen-* /dev/hugepages/flowlane-bench* "$@"
}

# The generator is a memif client in zero-copy mode (its mbufs live in shared hugepage memory),
# so it copies nothing: the device under test, the memif server, does every copy on both links.
# Otherwise one generator core pays the same copies as the DUT and cannot outrun it. The DUT
# starts first (it owns the sockets); the generator waits for its links, warms up, measures.
start_pktgen() {
    local sockets=("$WEST")
    [ -n "$east_vdev_client" ] && sockets+=("$EAST")
    local ready
    for _ in $(seq 1 100); do
        ready=1
        for s in "${sockets[@]}"; do [ -S "$s" ] || ready=0; done
        [ "$ready" = 1 ] && break
        sleep 0.1
    done
    [ "$ready" = 1 ] || { echo "the device under test did not create its memif sockets; its log ends:" >&2; tail -5 "$logs/dut.log" >&2; exit 1; }
    rm -f /dev/hugepages/flowlane-pktgen-*
    local links=(--vdev "net_memif0,role=client,id=0,socket=$WEST,socket-abstract=no,zero-copy=yes,mac=02:fe:00:00:01:01")
    local rx=(--rx-port net_memif0)
    if [ -n "$east_vdev_client" ]; then
        links+=(--vdev "$east_vdev_client")
        rx=(--rx-port net_memif1)
    fi
    ./flowlane java io.flowlane.perf.Pktgen --quiet --hugepages --memory-mb 256 --eal-arg=--single-file-segments \
        --file-prefix "flowlane-pktgen-$$-$RANDOM" "${links[@]}" \
        --tx-port net_memif0 "${rx[@]}" --dst-mac 02:fe:00:00:00:01 --core "$gen_cpu" \
        --dst-ip 198.18.1.1 --dst-count 200 --flows 1024 --size "$size" --warmup "${WARMUP:-5}" --duration "$duration" \
        ${pktgen_extra[@]+"${pktgen_extra[@]}"} > "$logs/pktgen.log" 2>&1 &
    generator=$!
}

# Waits for the generator (in this shell: it is our child) and leaves its JSON in $result.
finish_pktgen() {
    wait "$generator" || true
    result=$(grep -o '{.*}' "$logs/pktgen.log" || true)
}

# Runs the generator against a DUT already started as process $1 and prints the generator's JSON
# (nothing if the DUT died during the run: memif zero-copy can crash the server with SIGBUS in
# 22.11, and such a run measured nothing trustworthy), then stops the DUT.
measure_dut() {
    local dut=$1
    start_pktgen
    finish_pktgen
    kill -0 "$dut" 2>/dev/null || result=""
    kill -INT "$dut" 2>/dev/null || true
    wait "$dut" 2>/dev/null || true
    echo "$result"
}

# The flowlane appliance from config $1, adapted to this run: worker core, DUT memory (hugepages
# by default, as deployed; HUGE=0 runs it on ordinary 4 KiB pages), and optionally the east vdev
# replaced by $2 (e.g. a net_pcap capture for VERIFY).
run_appliance_config() {
    local config=$1 east_vdev=${2:-}
    local adapted
    adapted="$logs/$(basename "$config")"
    sed "s/cores: \[1\]/cores: [$dut_cpu]/" "$config" > "$adapted"
    [ "$huge" = 1 ] && sed -i 's/no-huge: true/no-huge: false/; s/memory-mb: 1024/memory-mb: 512/' "$adapted"
    if [ -n "$east_vdev" ]; then
        sed -i "s|- $east_vdev_server\$|- $east_vdev|; s|device: net_memif1|device: ${east_vdev%%,*}|" "$adapted"
    fi
    clean_hugepages
    rm -f "$WEST" "$EAST"
    ./flowlane java io.flowlane.dataplane.ApplianceMain "$adapted" $((duration + ${WARMUP:-5} + 12)) > "$logs/dut.log" 2>&1 &
    measure_dut $!
    clean_hugepages
}

# DPDK 22.11's memif zero-copy mode fails now and then: the handshake breaks (the generator logs
# "sendmsg fail: Bad file descriptor" and its link never comes up), a link comes up without
# carrying traffic, or the server dies of SIGBUS reading the client's memory. Such a run
# measured nothing; it is repeated, at most twice, and reported as retried. It never replaces a
# slow result, only an empty one.
#   measure_with_retries LABEL COMMAND...   sets $r (the generator's JSON) and $attempt
measure_with_retries() {
    local label=$1
    shift
    for attempt in 1 2 3; do
        r=$("$@")
        if [ -n "$r" ] && ! echo "$r" | grep -q '"rx_packets":0,'; then
            return 0
        fi
        echo "$label: attempt $attempt measured nothing (memif link); retrying"
        r=""
    done
    echo "$label produced no result; logs end:"
    tail -n 3 "$logs/dut.log" "$logs/pktgen.log"
    return 1
}
