#!/usr/bin/env bash
# The embedded demo (README): a packet generator and an appliance, two processes joined by
# memif shared-memory links, no NIC, no hugepages. The generator (core 0) sends 64-byte UDP
# flows into the appliance's west port and counts what comes back from its east port; the
# appliance (worker on core 1) routes them. Both print live rates; a summary follows.
# Act 1b (ESP=0 skips it): the same traffic encrypted into an IPsec ESP tunnel, and a capture.
# Then act 2 (FAILOVER=0 skips it): GRE tunnel gre-a degrades and then fails; the control plane
# predicts the failure from telemetry and moves the traffic to a standby tunnel first.
#   DURATION=20 ./flowlane demo
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10}
log=$(mktemp -d /tmp/flowlane-demo.XXXXXX)
rm -f /run/flowlane/memif-west.sock /run/flowlane/memif-east.sock
# JVM housekeeping threads (JIT, GC) stay on CPU 0 with the generator; the worker has CPU 1 to itself.
export FLOWLANE_HOUSEKEEPING_CPUS=${FLOWLANE_HOUSEKEEPING_CPUS:-0}

# The generator: 64-byte UDP frames, 1024 flows to 198.18.1.0/24, into west; counts what east returns.
generate() {
    ./flowlane java io.flowlane.perf.Pktgen \
        --vdev net_memif0,role=server,id=0,socket=/run/flowlane/memif-west.sock,socket-abstract=no,mac=02:fe:00:00:01:01 \
        --vdev net_memif1,role=server,id=0,socket=/run/flowlane/memif-east.sock,socket-abstract=no,mac=02:fe:00:00:01:02 \
        --tx-port net_memif0 --rx-port net_memif1 --dst-mac 02:fe:00:00:00:01 --core 0 \
        --dst-ip 198.18.1.1 --dst-count 200 --flows 1024 --size 64 --warmup 2 --duration "$1"
}

echo "flowlane demo: generator → memif → appliance → memif → generator, ${duration}s measured (logs in $log)"
./flowlane java io.flowlane.dataplane.ApplianceMain config/demo-appliance.yaml $((duration + 6)) \
    > >(sed -u 's/^/  appliance | /' | tee "$log/appliance.log") 2>&1 &
appliance=$!
trap 'kill $appliance 2>/dev/null || true' EXIT

generate "$duration" 2>&1 | sed -u 's/^/  pktgen    | /' | tee "$log/pktgen.log"

wait $appliance || true
trap - EXIT
result=$(grep -o '{.*}' "$log/pktgen.log" | tail -1)
[ -n "$result" ] || { echo "demo failed: no result from the generator (see $log)"; exit 1; }
echo
echo "summary: $result" | sed 's/  */ /g'
/usr/bin/python3 - "$result" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
# Frames in flight at the window's edges can make rx exceed tx by a few hundred: that is no loss.
loss = 0 if r["tx_packets"] == 0 else max(0.0, 1 - r["rx_packets"] / r["tx_packets"])
print(f"  sent {r['tx_mpps']:.2f} Mpps, forwarded {r['rx_mpps']:.2f} Mpps "
      f"({r['size']}-byte frames, {r['flows']} flows), loss of what was sent {loss:.4%}, "
      f"ring full {r['tx_ring_full_retries']} times (the appliance was the bottleneck)")
PY

if [ "${ESP:-1}" != 0 ]; then
    echo
    echo "flowlane demo, act 1b: the same traffic into an IPsec ESP tunnel (AES-128-GCM), 5 s; a capture of what leaves east"
    esp_seconds=5
    rm -f /run/flowlane/memif-west.sock /run/flowlane/memif-east.sock
    ./flowlane java io.flowlane.dataplane.ApplianceMain config/demo-esp-appliance.yaml $((esp_seconds + 8)) \
        > "$log/appliance-esp.log" 2>&1 &
    appliance=$!
    trap 'kill $appliance 2>/dev/null || true' EXIT
    generate "$esp_seconds" > "$log/pktgen-esp.log" 2>&1 &
    generator=$!
    # Once traffic flows: three frames as they leave the east port, decoded by tshark.
    sleep 4
    ./flowlane java io.flowlane.perf.FlowlaneMain capture east -w "$log/esp.pcap" --direction tx --count 3 --duration 10s --aeron-dir /dev/shm/flowlane-demo-esp \
        2>&1 | sed -u 's/^/  capture   | /' || true
    if [ -s "$log/esp.pcap" ]; then
        tshark -r "$log/esp.pcap" -T fields -E separator=' ' -e ip.src -e ip.dst -e esp.spi -e esp.sequence -e frame.len 2>/dev/null |
            awk '{ printf "  on the wire | %s -> %s  ESP SPI %s  sequence %s  %s bytes (64-byte frame inside, encrypted)\n", $1, $2, $3, $4, $5 }'
    fi
    wait $generator || true
    wait $appliance || true
    trap - EXIT
    esp=$(grep -o '{.*}' "$log/pktgen-esp.log" | tail -1)
    [ -n "$esp" ] || { echo "ESP act failed: no result from the generator (see $log)"; exit 1; }
    /usr/bin/python3 - "$esp" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"  ESP: sent {r['tx_mpps']:.2f} Mpps of 64-byte frames, {r['rx_mpps']:.2f} Mpps came out encrypted "
      f"(received {r['rx_packets']} of {r['tx_packets']})")
PY
fi

if [ "${FAILOVER:-1}" != 0 ]; then
    echo
    echo "flowlane demo, act 2: tunnel gre-a degrades, then fails; the control plane must move its traffic first"
    # Its appliance and generator are unpinned: no housekeeping CPU confinement for this act.
    FLOWLANE_HOUSEKEEPING_CPUS='' ./flowlane java io.flowlane.perf.FailoverDrill 5
fi
