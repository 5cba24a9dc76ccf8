#!/usr/bin/env bash
# Whole-system tunnel benchmark, one forwarding core: generator → memif → device under test →
# memif → generator, as perf/bench.sh, with the traffic put into a tunnel:
#   appliance-esp   flowlane appliance, IPsec ESP tunnel mode, AES-128-GCM (perf/bench-esp-appliance.yaml)
#   secgw-*         DPDK's ipsec-secgw (dpdk-doc's example, built here), the same SA (see secgw_setup)
#   appliance-gre   flowlane appliance, GRE (perf/bench-gre-appliance.yaml); no C peer exists for GRE
#   appliance-fwd   flowlane appliance, plain forwarding (perf/bench-appliance.yaml), for reference
# in turns, for each frame size, in every round: same generator, same cores (generator on CPU 0,
# DUT on CPU 1), same memif links. Writes perf/results/bench-tunnels-<time>.json and prints the
# summary of perf/bench_report.py.
#   ROUNDS=3 DURATION=8 WARMUP=5 SIZES="64 1400" VERIFY=1 ./flowlane bench-tunnels
# VERIFY=1 first checks the traffic of each DUT and size: a short, slow run with the east link
# captured by net_pcap, whose ESP scapy decrypts (perf/verify_tunnel.py). ROUNDS=0 VERIFY=1 only
# verifies. DUTS="appliance-esp secgw-gcm-cpu" picks DUTs; HUGE=0 runs the DUTs on 4 KiB pages;
# PROFILE=1 records a cpu-clock profile of the DUT's core in every run (see run_dut).
# RESULT_FILE names the result file (perf/bench.sh runs this script as its tunnel step).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
duration=${DURATION:-8}
sizes=${SIZES:-64 1400}
duts=${DUTS:-appliance-esp secgw-gcm-cpu secgw-gcm secgw-openssl appliance-gre appliance-fwd}
verify=${VERIFY:-0}
huge=${HUGE:-1}
gen_cpu=${GEN_CPU:-0}
dut_cpu=${DUT_CPU:-1}
out=perf/results
logs=perf/target/bench-tunnels
mkdir -p "$out" "$logs"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
. perf/bench-lib.sh
# What is measured: the commit, and whether the appliance's sources differ from it.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain -- native bindings dataplane tunnels 2>/dev/null)" ] || commit="$commit+uncommitted"

# The ESP tunnel as the appliance's config has it; ipsec-secgw gets the same (one source of truth).
esp_yaml=perf/bench-esp-appliance.yaml
yaml_field() { grep -o "$1" "$esp_yaml" | head -1 | sed "s/.*: *\"\{0,1\}\([0-9a-fA-Fx.]*\)\"\{0,1\}$/\1/"; }
out_sa=$(grep 'outbound-sa:' "$esp_yaml")
in_sa=$(grep 'inbound-sa:' "$esp_yaml")
sa_field() { echo "$1" | grep -o "$2: \"\{0,1\}[0-9a-fA-Fx]*" | sed 's/.*: "\{0,1\}//'; }
out_spi=$(($(sa_field "$out_sa" spi)))
out_key=$(sa_field "$out_sa" key)
out_salt=$(sa_field "$out_sa" salt)
in_spi=$(($(sa_field "$in_sa" spi)))
in_key=$(sa_field "$in_sa" key)
in_salt=$(sa_field "$in_sa" salt)
tunnel_src=$(yaml_field 'source: [0-9.]*')
tunnel_dst=$(yaml_field 'destination: [0-9.]*')
[ "$(printf '%s\n%s\n' "$out_sa" "$in_sa" | grep -c 'esn: false')" = 2 ] || { echo "$esp_yaml: both SAs must say esn: false (ipsec-secgw runs without ESN)"; exit 1; }
[ ${#out_key} = 32 ] && [ ${#out_salt} = 8 ] && [ -n "$tunnel_src" ] && [ -n "$tunnel_dst" ] ||
    { echo "cannot read the ESP tunnel (AES-128 key, salt, endpoints) from $esp_yaml"; exit 1; }
colons() { echo "$1" | sed 's/../&:/g; s/:$//'; }

# ipsec-secgw, compiled from the sources Debian's dpdk-doc ships (nothing of it is committed
# here). One change, as for l3fwd in bench.sh: 22.11's ipsec-secgw requests RX checksum offload
# in its default port configuration and refuses to start on memif, which has none; the copy asks
# for none. Its packet path never reads the RX checksum flags (it classifies by packet type,
# which it parses in software here since memif reports none), so its work per packet is unchanged.
secgw=perf/target/ipsec-secgw/build/ipsec-secgw
if [[ " $duts " == *" secgw-"* ]] && { [ ! -x "$secgw" ] || ! grep -q '\.offloads = 0,' perf/target/ipsec-secgw/ipsec-secgw.c; }; then
    echo "building DPDK ipsec-secgw from /usr/share/dpdk/examples/ipsec-secgw"
    rm -rf perf/target/ipsec-secgw && cp -r /usr/share/dpdk/examples/ipsec-secgw perf/target/ipsec-secgw
    cp -r /usr/share/dpdk/examples/common perf/target/common 2>/dev/null || true
    sed -i 's/\.offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,/.offloads = 0,/' perf/target/ipsec-secgw/ipsec-secgw.c
    grep -q '\.offloads = 0,' perf/target/ipsec-secgw/ipsec-secgw.c || { echo "ipsec-secgw source changed: cannot drop the checksum offload request"; exit 1; }
    make -s -C perf/target/ipsec-secgw >/dev/null
fi

# secgw-<pmd>[-cpu|-lib]: which cryptodev and which ipsec-secgw code path.
#   pmd: gcm = crypto_aesni_gcm, mb = crypto_aesni_mb (both intel-ipsec-mb), openssl = crypto_openssl
#   -cpu: librte_ipsec path (-l) with the SA's "type cpu-crypto": the worker calls the PMD's
#         synchronous cpu-crypto function directly, no crypto ops, no queue pair
#   -lib: librte_ipsec path (-l), lookaside-none (crypto ops through a cryptodev queue pair)
#   none: the application's legacy path, lookaside-none (its own ESP code, crypto ops through a queue pair)
secgw_setup() {
    local name=$1 rest
    rest=${name#secgw-}
    case ${rest%%-*} in
        gcm) secgw_pmd=crypto_aesni_gcm ;;
        mb) secgw_pmd=crypto_aesni_mb ;;
        openssl) secgw_pmd=crypto_openssl ;;
        *) echo "unknown DUT $name"; exit 1 ;;
    esac
    secgw_args=()
    secgw_type=""
    case $rest in
        *-cpu) secgw_args=(-l); secgw_type="type cpu-crypto" ;;
        *-lib) secgw_args=(-l) ;;
    esac
    local cfg="$logs/$name.cfg"
    # Port 0 (west) is the *protected* port: ipsec-secgw encrypts what it receives there
    # (outbound) and decrypts what arrives on the unprotected port 1 (east, -u 0x2).
    cat > "$cfg" <<EOF
# written by perf/bench-tunnels.sh: the ESP tunnel of $esp_yaml
sp ipv4 out esp protect $out_spi pri 1 dst 198.18.1.0/24 sport 0:65535 dport 0:65535
sp ipv4 in esp protect $in_spi pri 1 dst 10.0.0.0/24 sport 0:65535 dport 0:65535
sa out $out_spi aead_algo aes-128-gcm aead_key $(colons "$out_key$out_salt") mode ipv4-tunnel src $tunnel_src dst $tunnel_dst $secgw_type
sa in $in_spi aead_algo aes-128-gcm aead_key $(colons "$in_key$in_salt") mode ipv4-tunnel src $tunnel_dst dst $tunnel_src $secgw_type
rt ipv4 dst ${tunnel_dst%.*}.0/24 port 1
rt ipv4 dst 10.0.0.0/24 port 0
neigh port 0 02:fe:00:00:01:01
neigh port 1 02:fe:00:00:01:02
EOF
    secgw_cfg=$cfg
}

# Which AES-GCM library the appliance's C shim calls (it has changed: OpenSSL EVP, then intel-ipsec-mb).
appliance_crypto() {
    local shim=native/src/main/c/flowlane_crypto.c
    if grep -q '#include <intel-ipsec-mb.h>' "$shim"; then echo "intel-ipsec-mb's direct GCM API"
    elif grep -q '#include <openssl/evp.h>' "$shim"; then echo "OpenSSL libcrypto EVP"
    else echo "AES-GCM of $shim"; fi
}

describe() {
    case $1 in
        appliance-esp) echo "flowlane appliance, 1 worker: ESP tunnel mode AES-128-GCM, no ESN; $(appliance_crypto) in the C shim, one downcall per packet" ;;
        appliance-gre) echo "flowlane appliance, 1 worker: GRE (RFC 2784, no key/sequence/checksum) over IPv4" ;;
        appliance-fwd) echo "flowlane appliance, 1 worker: plain IPv4 forwarding (perf/bench-appliance.yaml)" ;;
        secgw-*)
            secgw_setup "$1"
            local path="legacy path, lookaside-none (crypto ops through a cryptodev queue pair)"
            case $1 in
                *-cpu) path="librte_ipsec path (-l), SA type cpu-crypto (synchronous PMD call, no crypto ops)" ;;
                *-lib) path="librte_ipsec path (-l), lookaside-none (crypto ops through a cryptodev queue pair)" ;;
            esac
            echo "DPDK ipsec-secgw, 1 lcore: ESP tunnel mode AES-128-GCM, no ESN; --vdev $secgw_pmd; $path" ;;
    esac
}

secgw_mem=(--no-huge -m 1024)
[ "$huge" = 1 ] && secgw_mem=(-m 512)

# run_secgw NAME [EAST_VDEV]
run_secgw() {
    secgw_setup "$1"
    local east=${2:-$east_vdev_server}
    rm -f "$WEST" "$EAST" /dev/hugepages/flowlane-secgw*
    "$secgw" -l "$dut_cpu" "${secgw_mem[@]}" --file-prefix flowlane-secgw --no-pci --vdev "$secgw_pmd" \
        --vdev "$west_vdev_server" --vdev "$east" --log-level=warning -- \
        -p 0x3 -P -u 0x2 --config="(0,0,$dut_cpu),(1,0,$dut_cpu)" -f "$secgw_cfg" ${secgw_args[@]+"${secgw_args[@]}"} \
        > "$logs/dut.log" 2>&1 &
    measure_dut $!
    clean_hugepages /dev/hugepages/flowlane-secgw*
}

# PROFILE=1: perf record -e cpu-clock on the DUT's CPU during each run's measured window (this
# VM has no hardware counters), into $logs/<dut>-<size>.perf.data; the JVMs write perf maps
# (/tmp/perf-<pid>.map) at exit so that perf report names JIT-compiled methods.
profile=${PROFILE:-0}
[ "$profile" = 1 ] && export FLOWLANE_JVM_OPTS="${FLOWLANE_JVM_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"

# run_dut NAME [EAST_VDEV]: one run, prints the generator's JSON.
run_dut() {
    if [ "$profile" = 1 ] && [ -z "${2:-}" ]; then
        # DUT start (≈ 3 s for a JVM) + generator start (≈ 2 s) + warm-up, then most of the window.
        (sleep $((${WARMUP:-5} + 6)); perf record -q -e cpu-clock -C "$dut_cpu" -o "$logs/$1-$size.perf.data" \
            -- sleep $((duration > 4 ? duration - 3 : 1))) > /dev/null 2>&1 &
    fi
    case $1 in
        appliance-esp) run_appliance_config perf/bench-esp-appliance.yaml "${2:-}" ;;
        appliance-gre) run_appliance_config perf/bench-gre-appliance.yaml "${2:-}" ;;
        appliance-fwd) run_appliance_config perf/bench-appliance.yaml "${2:-}" ;;
        secgw-*) run_secgw "$@" ;;
        *) echo "unknown DUT $1" >&2; exit 1 ;;
    esac
}

setups=()
for dut in $duts; do
    setups+=("\"$dut\":\"$(describe "$dut")\"")
done

# VERIFY=1: the east link becomes a net_pcap capture, the generator sends 3000 packets/s for 2 s
# (it has only the west link then), and perf/verify_tunnel.py checks every captured packet.
verified=()
if [ "$verify" = 1 ]; then
    for size in $sizes; do
        for dut in $duts; do
            [ "$dut" = appliance-fwd ] && continue
            mode=esp
            [ "$dut" = appliance-gre ] && mode=gre
            pcap="$logs/verify-$dut-$size.pcap"
            ok=""
            for attempt in 1 2 3; do
                rm -f "$pcap"
                (
                    duration=1 WARMUP=1 east_vdev_client="" pktgen_extra=(--rate-pps 3000)
                    run_dut "$dut" "net_pcap1,tx_pcap=$pcap" > /dev/null
                ) || true
                [ -s "$pcap" ] || { echo "verify $dut $size: attempt $attempt captured nothing (memif link); retrying"; continue; }
                if line=$(/usr/bin/python3 perf/verify_tunnel.py "$pcap" "$mode" "$size" --spi "$out_spi" --key "$out_key" \
                        --salt "$out_salt" --src "$tunnel_src" --dst "$tunnel_dst" 2>&1); then
                    ok=1
                fi
                echo "verify $dut $size: $line"
                break
            done
            [ -n "$ok" ] || { echo "verify $dut $size: FAILED"; exit 1; }
            verified+=("$(printf '%s' "$dut $size: $line" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')")
        done
    done
fi

# Runs that memif zero-copy broke are repeated (bench-lib.sh) and reported as retried.
results=()
for round in $(seq 1 "$rounds"); do
    for size in $sizes; do
        for dut in $duts; do
            # A run that failed three times is recorded without a result (the report counts it)
            # rather than throwing away the rounds measured so far.
            measure_with_retries "round $round $size B $dut" run_dut "$dut" || r=null
            echo "round $round $size B $dut: $r"
            results+=("{\"round\":$round,\"size\":$size,\"dut\":\"$dut\",\"attempts\":$attempt,\"result\":$r}")
        done
    done
done
[ "$rounds" -gt 0 ] || exit 0

file=${RESULT_FILE:-$out/bench-tunnels-$stamp.json}
{
    echo "{\"kind\":\"bench-tunnels\",\"stamp\":\"$stamp\",\"commit\":\"$commit\",\"duration\":$duration,\"warmup\":${WARMUP:-5},\"dut_cpu\":$dut_cpu,\"gen_cpu\":$gen_cpu,\"hugepages\":$([ "$huge" = 1 ] && echo true || echo false),"
    echo " \"setups\":{$(IFS=,; echo "${setups[*]}")},"
    echo " \"verified\":[$(IFS=,; echo "${verified[*]+"${verified[*]}"}")],"
    echo " \"runs\":[$(IFS=,; echo "${results[*]}")]}"
} > "$file"
/usr/bin/python3 perf/bench_report.py "$file"
