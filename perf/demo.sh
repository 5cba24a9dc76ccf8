#!/usr/bin/env bash
# The embedded demo (README): a packet generator and an appliance, two processes joined by
# memif shared-memory links, no NIC, no hugepages. The generator (core 0) sends 64-byte UDP
# flows into the appliance's west port and counts what comes back from its east port; the
# appliance (worker on core 1) routes them. Both print live rates; a summary follows.
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

echo "flowlane demo: generator → memif → appliance → memif → generator, ${duration}s measured (logs in $log)"
./flowlane java io.flowlane.dataplane.ApplianceMain config/demo-appliance.yaml $((duration + 6)) \
    > >(sed -u 's/^/  appliance | /' | tee "$log/appliance.log") 2>&1 &
appliance=$!
trap 'kill $appliance 2>/dev/null || true' EXIT

./flowlane java io.flowlane.perf.Pktgen \
    --vdev net_memif0,role=server,id=0,socket=/run/flowlane/memif-west.sock,socket-abstract=no,mac=02:fe:00:00:01:01 \
    --vdev net_memif1,role=server,id=0,socket=/run/flowlane/memif-east.sock,socket-abstract=no,mac=02:fe:00:00:01:02 \
    --tx-port net_memif0 --rx-port net_memif1 --dst-mac 02:fe:00:00:00:01 --core 0 \
    --dst-ip 198.18.1.1 --dst-count 200 --flows 1024 --size 64 --warmup 2 --duration "$duration" \
    2>&1 | sed -u 's/^/  pktgen    | /' | tee "$log/pktgen.log"

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

if [ "${FAILOVER:-1}" != 0 ]; then
    echo
    echo "flowlane demo, act 2: tunnel gre-a degrades, then fails; the control plane must move its traffic first"
    # Its appliance and generator are unpinned: no housekeeping CPU confinement for this act.
    FLOWLANE_HOUSEKEEPING_CPUS='' ./flowlane java io.flowlane.perf.FailoverDrill 5
fi
