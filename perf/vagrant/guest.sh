#!/usr/bin/env bash
# The in-VM half of the two-VM throughput test (docs/vagrant.md): perf/vagrant/throughput.sh runs
# it over `vagrant ssh`, as root, in the synced repository. Data NICs are found by their MACs
# (perf/vagrant/nics.env), whatever their names and PCI addresses.
#   guest.sh dut-start SECONDS  bind the DUT's two data NICs to a DPDK driver and start the appliance
#                               on them (config/vagrant-dut.yaml) in the background for SECONDS
#   guest.sh dut-stop           stop it and print its summary
#   guest.sh dut-release        give the DUT's data NICs back to their kernel driver
#   guest.sh gen-run            ./flowlane pktgen out of the generator's west NIC, counting what its
#                               east NIC receives (DPDK's af_packet PMD over the kernel's driver)
# Settings (environment):
#   DPDK_DRIVER  auto (default): vfio-pci if this VM has an IOMMU, else igb_uio if installed, else
#                uio_pci_generic; or name one; or none (leave the NICs to their kernel driver, for
#                bifurcated PMDs such as mlx5)
#   DUT_CPU (1), GEN_CPU (1), HOUSEKEEPING_CPUS (0), SIZE (64), FLOWS (1024), RATE_PPS (0: as fast
#   as possible), WARMUP (5), DURATION (10)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=perf/vagrant/nics.env
. perf/vagrant/nics.env
state=/run/flowlane/vagrant
dut_cpu=${DUT_CPU:-1}
gen_cpu=${GEN_CPU:-1}
housekeeping=${HOUSEKEEPING_CPUS:-0}

die() { printf 'guest.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo)"
mkdir -p "$state"

# The kernel network device with MAC $1, if the kernel drives that NIC.
netdev_of_mac() {
    local dev
    for dev in /sys/class/net/*; do
        if [ "$(cat "$dev/address" 2>/dev/null)" = "$1" ]; then
            basename "$dev"
            return 0
        fi
    done
    return 1
}

# The PCI address of the NIC with MAC $1: above its netdev in sysfs while the kernel drives it
# (a virtio netdev hangs off a virtio device, whose parent is the PCI function), else the address
# dut-start recorded when it took the NIC from the kernel.
pci_of_mac() {
    local dev path
    if dev=$(netdev_of_mac "$1") && [ -e "/sys/class/net/$dev/device" ]; then
        path=$(readlink -f "/sys/class/net/$dev/device")
        while [ "$path" != / ]; do
            case $(basename "$path") in
                [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7])
                    basename "$path"
                    return 0
                    ;;
            esac
            path=$(dirname "$path")
        done
    fi
    [ -f "$state/$1" ] && cat "$state/$1"
}

driver_of() {
    if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
        basename "$(readlink -f "/sys/bus/pci/devices/$1/driver")"
    fi
}

has_iommu() {
    [ -n "$(ls -A /sys/kernel/iommu_groups 2>/dev/null)" ]
}

choose_driver() {
    local driver=${DPDK_DRIVER:-auto}
    if [ "$driver" = auto ]; then
        if has_iommu; then
            driver=vfio-pci
        elif modinfo igb_uio >/dev/null 2>&1; then
            driver=igb_uio
        else
            driver=uio_pci_generic
        fi
    fi
    echo "$driver"
}

load_driver() {
    case $1 in
        none) ;;
        vfio-pci)
            modprobe vfio-pci
            if ! has_iommu; then
                # Debian's kernel is built without VFIO's no-IOMMU mode, so this works only on kernels that have it.
                [ -w /sys/module/vfio/parameters/enable_unsafe_noiommu_mode ] ||
                    die "vfio-pci needs an IOMMU in this VM and this kernel has no VFIO no-IOMMU mode: use DPDK_DRIVER=uio_pci_generic (virtio NICs) or igb_uio (VFs), or give the VM a virtual IOMMU (docs/vagrant.md)"
                echo 1 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode
            fi
            ;;
        *) modprobe "$1" ;;
    esac
}

# Binds PCI function $1 (the NIC with MAC $2) to driver $3, remembering its kernel driver for dut-release.
bind_nic() {
    local pci=$1 mac=$2 driver=$3 current
    echo "$pci" > "$state/$mac"
    current=$(driver_of "$pci")
    [ "$current" = "$driver" ] && return 0
    case $current in
        vfio-pci|igb_uio|uio_pci_generic|"") ;;
        *) echo "$current" > "$state/$pci.kernel-driver" ;;
    esac
    dpdk-devbind.py --bind="$driver" "$pci"
    [ "$(driver_of "$pci")" = "$driver" ] ||
        die "could not bind $pci to $driver (uio_pci_generic needs legacy interrupts, which VFs lack: try igb_uio or vfio-pci; docs/vagrant.md)"
}

dut_start() {
    local seconds=${1:?usage: guest.sh dut-start SECONDS} driver west east config
    west=$(pci_of_mac "$DUT_WEST_MAC") || die "no NIC with MAC $DUT_WEST_MAC, the DUT's west data NIC (perf/vagrant/nics.env)"
    east=$(pci_of_mac "$DUT_EAST_MAC") || die "no NIC with MAC $DUT_EAST_MAC, the DUT's east data NIC (perf/vagrant/nics.env)"
    driver=$(choose_driver)
    load_driver "$driver"
    if [ "$driver" != none ]; then
        bind_nic "$west" "$DUT_WEST_MAC" "$driver"
        bind_nic "$east" "$DUT_EAST_MAC" "$driver"
    fi
    echo "dut: west $west, east $east, driver $driver, worker on CPU $dut_cpu"

    # The shipped config with this VM's PCI addresses (through placeholders, in case the two are
    # swapped) and worker core.
    for expected in "$DUT_WEST_PCI" "$DUT_EAST_PCI" "$GEN_WEST_MAC" "$GEN_EAST_MAC" "cores: \[1\]"; do
        grep -q "$expected" config/vagrant-dut.yaml || die "config/vagrant-dut.yaml no longer has '$expected' (perf/vagrant/nics.env)"
    done
    config=$state/vagrant-dut.yaml
    sed -e "s/${DUT_WEST_PCI//./\\.}/@west@/g; s/${DUT_EAST_PCI//./\\.}/@east@/g" \
        -e "s/@west@/$west/g; s/@east@/$east/g; s/cores: \[1\]/cores: [$dut_cpu]/" config/vagrant-dut.yaml > "$config"

    if [ -f "$state/dut.pid" ] && kill -0 "$(cat "$state/dut.pid")" 2>/dev/null; then
        die "an appliance is running already (pid $(cat "$state/dut.pid")): guest.sh dut-stop"
    fi
    # Hugepage files outlive their DPDK process and keep the pages reserved.
    rm -f /dev/hugepages/flowlane-vagrant-dut*
    # Its own session, so that it outlives this ssh session and dut-stop can signal the launcher
    # and its JVM together.
    FLOWLANE_HOUSEKEEPING_CPUS=$housekeeping setsid ./flowlane appliance "$config" "$seconds" \
        > "$state/dut.log" 2>&1 < /dev/null &
    echo $! > "$state/dut.pid"
    # The first start may build (mvn) if the sources changed since provisioning.
    for _ in $(seq 1 600); do
        grep -q '^flowlane: forwarding on' "$state/dut.log" && { grep '^flowlane: forwarding on' "$state/dut.log"; return 0; }
        kill -0 "$(cat "$state/dut.pid")" 2>/dev/null || break
        sleep 1
    done
    echo "the appliance did not start; $state/dut.log ends:" >&2
    tail -n 20 "$state/dut.log" >&2
    dut_stop > /dev/null 2>&1 || true
    exit 1
}

dut_stop() {
    local pid
    [ -f "$state/dut.pid" ] || die "no appliance was started here (guest.sh dut-start)"
    pid=$(cat "$state/dut.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -INT -- "-$pid" 2>/dev/null || kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 1 300); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL -- "-$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$state/dut.pid" /dev/hugepages/flowlane-vagrant-dut*
    # The appliance's own summary: its ports, then per worker rx, tx and drops.
    grep -E '^(flowlane: |worker [0-9]+: )' "$state/dut.log" || tail -n 5 "$state/dut.log"
}

dut_release() {
    local mac pci driver
    for mac in "$DUT_WEST_MAC" "$DUT_EAST_MAC"; do
        pci=$(pci_of_mac "$mac") || continue
        driver=$(cat "$state/$pci.kernel-driver" 2>/dev/null) || continue
        [ "$(driver_of "$pci")" = "$driver" ] || dpdk-devbind.py --bind="$driver" "$pci"
        rm -f "$state/$pci.kernel-driver" "$state/$mac"
        echo "dut: $pci back on $driver"
    done
}

gen_run() {
    local west east dev
    west=$(netdev_of_mac "$GEN_WEST_MAC") || die "no network device with MAC $GEN_WEST_MAC, the generator's west data NIC (perf/vagrant/nics.env)"
    east=$(netdev_of_mac "$GEN_EAST_MAC") || die "no network device with MAC $GEN_EAST_MAC, the generator's east data NIC (perf/vagrant/nics.env)"
    for dev in "$west" "$east"; do
        # No addresses, no IPv6 router solicitations or DAD: only the generator's frames on the wire.
        sysctl -q -w "net.ipv6.conf.$dev.disable_ipv6=1"
        ip link set dev "$dev" up promisc on
    done
    echo "gen: west $west, east $east (af_packet), generator loop on CPU $gen_cpu"
    rm -f /dev/hugepages/flowlane-vagrant-gen*
    FLOWLANE_HOUSEKEEPING_CPUS=$housekeeping ./flowlane pktgen --hugepages --memory-mb 256 --file-prefix flowlane-vagrant-gen \
        --vdev "net_af_packet0,iface=$west,qpairs=1,qdisc_bypass=1,framecnt=4096" \
        --vdev "net_af_packet1,iface=$east,qpairs=1,framecnt=4096" \
        --tx-port net_af_packet0 --rx-port net_af_packet1 --src-mac "$GEN_WEST_MAC" --dst-mac "$DUT_WEST_MAC" \
        --core "$gen_cpu" --src-ip 10.0.0.2 --dst-ip 198.18.1.1 --dst-count 200 --flows "${FLOWS:-1024}" \
        --size "${SIZE:-64}" --rate-pps "${RATE_PPS:-0}" --warmup "${WARMUP:-5}" --duration "${DURATION:-10}"
    rm -f /dev/hugepages/flowlane-vagrant-gen*
}

case ${1:-} in
    dut-start) dut_start "${2:-}" ;;
    dut-stop) dut_stop ;;
    dut-release) dut_release ;;
    gen-run) gen_run ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
