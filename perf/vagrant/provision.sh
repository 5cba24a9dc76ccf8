#!/usr/bin/env bash
# Provisions a flowlane VM of the Vagrantfile (docs/vagrant.md): hugepages, Temurin JDK 25, the
# launcher's Debian packages, and a build of the repository, which Vagrant has synced to this
# script's grandparent folder (/opt/flowlane). Run by Vagrant as root inside the VM; safe to run
# again (`vagrant provision`).
#   perf/vagrant/provision.sh gen|dut
# FLOWLANE_HUGEPAGES (default 1024) is the number of 2 MiB hugepages to reserve.
set -euo pipefail
role=${1:?usage: provision.sh gen|dut}
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
hugepages=${FLOWLANE_HUGEPAGES:-1024}
export DEBIAN_FRONTEND=noninteractive

log() { printf '==> provision %s: %s\n' "$role" "$*"; }
die() { printf 'provision %s: %s\n' "$role" "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (Vagrant's shell provisioner does)"

# Hugepages: 2 MiB pages, reserved now and at every boot by sysctl (early enough on a fresh VM;
# 1 GiB pages would need the kernel command line). systemd mounts hugetlbfs at /dev/hugepages.
log "reserving $hugepages hugepages of 2 MiB"
echo "vm.nr_hugepages = $hugepages" > /etc/sysctl.d/80-flowlane-hugepages.conf
sysctl -q -p /etc/sysctl.d/80-flowlane-hugepages.conf
reserved=$(cat /proc/sys/vm/nr_hugepages)
[ "$reserved" -ge "$hugepages" ] || log "only $reserved of $hugepages hugepages could be reserved (memory fragmented?); a reboot reserves them early"

# Temurin JDK 25 from Adoptium's apt repository: Debian 12 has no JDK 25 package. The launcher
# looks for it at /usr/lib/jvm/temurin-25-jdk-amd64 (find_jdk in ./flowlane).
if ! dpkg -s temurin-25-jdk >/dev/null 2>&1; then
    log "adding Adoptium's apt repository for temurin-25-jdk"
    apt-get update -qq
    apt-get install -y -qq wget ca-certificates >/dev/null
    install -d -m 0755 /etc/apt/keyrings
    wget -qO /etc/apt/keyrings/adoptium.asc https://packages.adoptium.net/artifactory/api/gpg/key/public
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    echo "deb [signed-by=/etc/apt/keyrings/adoptium.asc] https://packages.adoptium.net/artifactory/deb $codename main" \
        > /etc/apt/sources.list.d/adoptium.list
fi

# The launcher's own package list (PACKAGES in ./flowlane), read from it so that the two cannot
# drift apart, installed the way its install_packages does (tshark's debconf question answered
# first), plus the JDK, git (perf/bench-tunnels.sh records the commit it measured, and the test
# suite lists the shell scripts with it), pciutils (lspci) and kmod (modprobe).
packages=$(sed -n 's/^PACKAGES="\(.*\)"$/\1/p' flowlane)
[ -n "$packages" ] || die "no PACKAGES line found in $repo/flowlane"
read -r -a package_list <<< "$packages"
log "installing the launcher's packages and temurin-25-jdk"
apt-get update -qq
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -qq "${package_list[@]}" temurin-25-jdk git pciutils kmod >/dev/null

# The DPDK drivers guest.sh may bind the DUT's NICs to. Debian's kernel has vfio-pci (needs an
# IOMMU in the VM: Debian builds it without VFIO_NOIOMMU) and uio_pci_generic (no IOMMU needed).
for module in vfio-pci uio_pci_generic; do
    modinfo "$module" >/dev/null 2>&1 || log "kernel module $module is missing: guest.sh cannot bind NICs to it"
done

# Vagrant's rsync leaves the files to the vagrant user; git, run as root here, refuses to read a
# repository that someone else owns unless told it is safe.
git config --global --get-all safe.directory | grep -qx "$repo" || git config --global --add safe.directory "$repo"

# Build as the launcher does (mvn install -DskipTests, once, then again only when sources
# change), and check the DUT's config on the way: `validate` builds first.
log "building (./flowlane validate config/vagrant-dut.yaml builds first)"
./flowlane validate config/vagrant-dut.yaml
log "done: perf/vagrant/throughput.sh on the host runs the throughput test"
