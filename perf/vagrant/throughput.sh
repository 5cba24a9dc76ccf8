#!/usr/bin/env bash
# The two-VM throughput test, one command on the host (docs/vagrant.md): brings up the Vagrantfile's
# VMs (provisioning them the first time), syncs the repository into them, starts the appliance on
# the DUT's two data NICs (bound to a DPDK driver), runs ./flowlane pktgen on the generator VM
# through its two data NICs, stops the appliance, and writes the generator's JSON result to
# perf/results/vagrant-<time>.json.
#   perf/vagrant/throughput.sh
#   DURATION=30 SIZE=1400 perf/vagrant/throughput.sh
# Settings (environment): DURATION (10 s measured), WARMUP (5 s), SIZE (64-byte frames), FLOWS
# (1024), RATE_PPS (0: as fast as the generator can), DPDK_DRIVER, DUT_CPU, GEN_CPU,
# HOUSEKEEPING_CPUS (perf/vagrant/guest.sh), SKIP_UP=1 (VMs are up and synced: no `vagrant up`,
# no `vagrant rsync`), VAGRANT (the vagrant command, default vagrant).
set -euo pipefail
cd "$(dirname "$0")/../.."
vagrant=${VAGRANT:-vagrant}
duration=${DURATION:-10}
warmup=${WARMUP:-5}
guest=/opt/flowlane/perf/vagrant/guest.sh

die() { printf 'throughput.sh: %s\n' "$*" >&2; exit 1; }
command -v "$vagrant" >/dev/null || die "no '$vagrant' command: install Vagrant with the libvirt or VirtualBox provider (docs/vagrant.md)"

if [ "${SKIP_UP:-0}" != 1 ]; then
    "$vagrant" up gen dut
    # `up` syncs only when it boots a VM: sync again so that the VMs run this tree.
    "$vagrant" rsync gen dut
fi

# The settings guest.sh reads, passed through sudo (which keeps no environment of its own).
settings=(DURATION="$duration" WARMUP="$warmup")
for name in SIZE FLOWS RATE_PPS DPDK_DRIVER DUT_CPU GEN_CPU HOUSEKEEPING_CPUS; do
    if [ -n "${!name:-}" ]; then
        settings+=("$name=${!name}")
    fi
done
on() {
    local vm=$1
    shift
    "$vagrant" ssh "$vm" -c "sudo env ${settings[*]} $guest $*"
}

mkdir -p perf/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=perf/results/vagrant-$stamp.log

# The appliance runs for the generator's warm-up and measurement plus margin for the JVM's start;
# it stops by itself after that should this script die, and is stopped as soon as the generator ends.
on dut dut-start $((warmup + duration + 60)) | tee "$log"
trap 'on dut dut-stop >/dev/null 2>&1 || true' EXIT
on gen gen-run | tee -a "$log"
trap - EXIT
on dut dut-stop | tee -a "$log"

result=$(grep -o '{.*}' "$log" | tail -n 1 || true)
[ -n "$result" ] || die "the generator printed no result (log: $log)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "{\"setup\":\"vagrant\",\"commit\":\"$commit\",\"generator\":\"af_packet\",\"result\":$result}" > "perf/results/vagrant-$stamp.json"
echo "result: $result"
echo "written: perf/results/vagrant-$stamp.json (log: $log)"
