#!/usr/bin/env bash
# AES-GCM for ESP, per packet and per core: which implementation should the packet path use?
#   1. JMH, perf/src/main/java/io/flowlane/perf/jmh/AesGcmBenchmark.java with -prof gc:
#      javax.crypto "AES/GCM/NoPadding" over off-heap ByteBuffers; OpenSSL's EVP interface and
#      intel-ipsec-mb, each through one FFM downcall per packet (reference wrappers compiled here,
#      source below); and the shim's own AesGcm binding, which esp-encrypt/esp-decrypt call.
#   2. DPDK cryptodev: dpdk-test-crypto-perf's throughput test (enqueue/dequeue bursts of 32) with
#      the crypto_aesni_gcm (intel-ipsec-mb) and crypto_openssl PMDs on one worker lcore.
#   3. A native reference in C, no JVM: the same two wrappers, and DPDK's synchronous cpu-crypto
#      API (rte_cryptodev_sym_cpu_crypto_process) on crypto_aesni_gcm, one call per burst of 32.
# AES-128/256-GCM, encrypt and decrypt (tag checked), payloads of 64 and 1400 bytes, 12-byte
# nonce, 12-byte AAD (ESN), 16-byte tag, in place. Writes perf/results/crypto-<time>.json and
# prints a table. About 10 minutes on two cores.
#   ./flowlane crypto-compare
#   JMH_ARGS="-wi 3 -w 1 -i 8 -r 1" OPS=5000000 REPEATS=3 CPU=1 SKIP_NATIVE=1 ./flowlane crypto-compare
# Medians throughout, which a shared machine's bursts of other work disturb less than means: of
# the JMH iterations, and of REPEATS runs of crypto-perf and of the native reference.
set -euo pipefail
cd "$(dirname "$0")/.."
cpu=${CPU:-1}
ops=${OPS:-5000000}
repeats=${REPEATS:-3}
jmh_args=${JMH_ARGS:--wi 3 -w 1 -i 8 -r 1}
out=perf/results
work=perf/target/crypto-compare
mkdir -p "$out" "$work"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
rm -f "$work"/*.csv "$work"/jmh.json "$work"/*.so "$work"/gcm_native
main_cpu=$(( cpu == 0 ? 1 : 0 ))

# ---- 0. The reference wrappers (OpenSSL EVP, intel-ipsec-mb) and the native driver ----
cat > "$work/gcm_ref.c" <<'EOF'
/* AES-GCM per ESP packet behind one call each, for JMH (FFM) and the C driver alike:
 * nonce (12 bytes), AAD, in-place encryption or decryption, 16-byte tag.
 * ref_ossl_*: OpenSSL's EVP interface, one EVP_CIPHER_CTX per SA keyed once, per packet only the
 *             nonce changes (the shim's code as the tunnels module first shipped it).
 * ref_imb_*:  intel-ipsec-mb's GCM functions, key schedule and GHASH powers precomputed per SA:
 *             the shim's native/src/main/c/flowlane_crypto.c itself (below). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#define TAG 16

void *ref_ossl_new(const uint8_t *key, int key_len, int encrypt)
{
    const EVP_CIPHER *cipher = key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm() :
                               key_len == 32 ? EVP_aes_256_gcm() : NULL;
    EVP_CIPHER_CTX *ctx = cipher == NULL ? NULL : EVP_CIPHER_CTX_new();
    if (ctx != NULL && EVP_CipherInit_ex(ctx, cipher, NULL, key, NULL, encrypt ? 1 : 0) != 1)
    {
        EVP_CIPHER_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

void ref_ossl_free(void *ctx)
{
    EVP_CIPHER_CTX_free(ctx);
}

int ref_ossl_seal(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, uint8_t *tag)
{
    int out;
    return EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce) == 1 &&
           EVP_EncryptUpdate(ctx, NULL, &out, aad, aad_len) == 1 &&
           EVP_EncryptUpdate(ctx, data, &out, data, len) == 1 &&
           EVP_EncryptFinal_ex(ctx, data + out, &out) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG, tag) == 1;
}

int ref_ossl_open(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, const uint8_t *tag)
{
    int out;
    return EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG, (void *)tag) == 1 &&
           EVP_DecryptUpdate(ctx, NULL, &out, aad, aad_len) == 1 &&
           EVP_DecryptUpdate(ctx, data, &out, data, len) == 1 &&
           EVP_DecryptFinal_ex(ctx, data + out, &out) == 1;
}

/* ref_imb_*: the shim's own intel-ipsec-mb code, compiled in here (not a copy), so the FFM and C
 * rows time exactly what esp-encrypt/esp-decrypt call; aliases add no call of their own. */
#include "flowlane_crypto.c"
void *ref_imb_new(const uint8_t *key, int key_len, int encrypt) __attribute__((alias("fl_gcm_new")));
void ref_imb_free(void *ctx) __attribute__((alias("fl_gcm_free")));
int ref_imb_seal(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, uint8_t *tag)
    __attribute__((alias("fl_gcm_seal")));
int ref_imb_open(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, const uint8_t *tag)
    __attribute__((alias("fl_gcm_open")));
EOF

cat > "$work/gcm_native.c" <<'EOF'
/* Per-packet AES-GCM in C, no JVM: the reference wrappers (gcm_ref.c) called directly, and DPDK's
 * cpu-crypto API on the crypto_aesni_gcm vdev (one call per burst). Bursts of 32 packets in
 * 2 KiB buffers, in place, each case run `repeats` times, the median printed. Decryption first
 * copies the pristine ciphertext back; "restore-copy" is that copy alone.
 * Arguments after EAL's "--": operations per run, runs. */
#define ALLOW_EXPERIMENTAL_API 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_cryptodev.h>
#include <rte_eal.h>
#include <rte_lcore.h>

void *ref_ossl_new(const uint8_t *key, int key_len, int encrypt);
int ref_ossl_seal(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, uint8_t *tag);
int ref_ossl_open(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, const uint8_t *tag);
void *ref_imb_new(const uint8_t *key, int key_len, int encrypt);
int ref_imb_seal(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, uint8_t *tag);
int ref_imb_open(void *ctx, const uint8_t *nonce, const uint8_t *aad, int aad_len, uint8_t *data, int len, const uint8_t *tag);

enum { BURST = 32, STRIDE = 2048, MAX_REPEATS = 15 };
enum { OPENSSL, IPSEC_MB, CPU_CRYPTO, RESTORE };
static const char *names[] = {"openssl-evp-c", "ipsec-mb-c", "cryptodev-cpu-crypto", "restore-copy"};
static uint8_t packets[BURST * STRIDE] __attribute__((aligned(64)));
static uint8_t pristine[BURST * STRIDE] __attribute__((aligned(64)));
static uint8_t nonce[BURST][16], aad[BURST][16];

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void fail(const char *what)
{
    fprintf(stderr, "gcm_native: %s\n", what);
    exit(1);
}

/* salt || 64-bit sequence number; SPI || seq-high || seq-low */
static void prepare(int i, uint64_t seq)
{
    static const uint8_t salt[4] = {1, 2, 3, 4};
    memcpy(nonce[i], salt, 4);
    aad[i][0] = 0; aad[i][1] = 0; aad[i][2] = 0x10; aad[i][3] = 0x01;
    for (int b = 0; b < 8; b++)
    {
        nonce[i][4 + b] = (uint8_t)(seq >> (56 - 8 * b));
        aad[i][4 + b] = (uint8_t)(seq >> (56 - 8 * b));
    }
}

int main(int argc, char **argv)
{
    int used = rte_eal_init(argc, argv);
    if (used < 0) fail("EAL init");
    long ops = argc - used > 1 ? atol(argv[used + 1]) : 4000000;
    int repeats = argc - used > 2 ? atoi(argv[used + 2]) : 3;
    if (ops < BURST || repeats < 1 || repeats > MAX_REPEATS) fail("arguments: operations (>= 32), runs (1..15)");
    uint8_t key[32];
    for (int b = 0; b < 32; b++) key[b] = (uint8_t)(0x11 * b + 7);
    int dev = rte_cryptodev_get_dev_id("crypto_aesni_gcm0");
    if (dev < 0) fail("no crypto_aesni_gcm0");
    struct rte_cryptodev_config conf = {.socket_id = (int)rte_socket_id(), .nb_queue_pairs = 1};
    struct rte_mempool *sessions = rte_cryptodev_sym_session_pool_create("gcm_native_sessions", 16,
        rte_cryptodev_sym_get_private_session_size((uint8_t)dev), 0, 0, (int)rte_socket_id());
    struct rte_cryptodev_qp_conf qp = {.nb_descriptors = 1024, .mp_session = sessions};
    if (sessions == NULL || rte_cryptodev_configure((uint8_t)dev, &conf) != 0 ||
        rte_cryptodev_queue_pair_setup((uint8_t)dev, 0, &qp, (int)rte_socket_id()) != 0 || rte_cryptodev_start((uint8_t)dev) != 0)
        fail("cryptodev setup");
    printf("impl,key_bits,payload,op,ns_per_op\n");
    for (int bits = 128; bits <= 256; bits += 128)
    {
        void *ctx[2][2] = {{ref_ossl_new(key, bits / 8, 0), ref_ossl_new(key, bits / 8, 1)},
                           {ref_imb_new(key, bits / 8, 0), ref_imb_new(key, bits / 8, 1)}};
        void *session[2];
        for (int enc = 0; enc < 2; enc++)
        {
            struct rte_crypto_sym_xform x = {.type = RTE_CRYPTO_SYM_XFORM_AEAD, .aead = {
                .op = enc ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT, .algo = RTE_CRYPTO_AEAD_AES_GCM,
                .key = {.data = key, .length = (uint16_t)(bits / 8)}, .iv = {.offset = 0, .length = 12},
                .digest_length = 16, .aad_length = 12}};
            session[enc] = rte_cryptodev_sym_session_create((uint8_t)dev, &x, sessions);
            if (session[enc] == NULL || ctx[0][enc] == NULL || ctx[1][enc] == NULL) fail("contexts");
        }
        static const int sizes[] = {64, 1400};
        for (int s = 0; s < 2; s++)
        {
            const int len = sizes[s];
            for (int b = 0; b < BURST * STRIDE; b++) packets[b] = (uint8_t)(b * 31 + 5);
            for (int i = 0; i < BURST; i++)
            {
                prepare(i, (uint64_t)i + 1);
                if (!ref_ossl_seal(ctx[0][1], nonce[i], aad[i], 12, packets + i * STRIDE, len, packets + i * STRIDE + len)) fail("seal");
            }
            memcpy(pristine, packets, sizeof packets);
            for (int impl = OPENSSL; impl <= RESTORE; impl++)
            for (int enc = 1; enc >= 0; enc--)
            {
                if (impl == RESTORE && enc) continue;
                double runs[MAX_REPEATS];
                for (int rep = 0; rep < repeats; rep++)
                {
                    uint64_t seq = 1000;
                    double start = now_ns();
                    for (long done = 0; done < ops; done += BURST)
                    {
                        if (!enc)
                            for (int i = 0; i < BURST; i++)
                            {
                                memcpy(packets + i * STRIDE, pristine + i * STRIDE, len + 16);
                                __asm__ volatile("" ::: "memory");
                            }
                        if (impl == RESTORE) continue;
                        if (impl == CPU_CRYPTO)
                        {
                            struct rte_crypto_vec vec[BURST];
                            struct rte_crypto_sgl sgl[BURST];
                            struct rte_crypto_va_iova_ptr iv[BURST], aadp[BURST], digest[BURST];
                            int32_t status[BURST];
                            for (int i = 0; i < BURST; i++)
                            {
                                uint8_t *d = packets + i * STRIDE;
                                prepare(i, enc ? ++seq : (uint64_t)i + 1);
                                vec[i] = (struct rte_crypto_vec){.base = d, .iova = 0, .len = (uint32_t)len, .tot_len = (uint32_t)len};
                                sgl[i] = (struct rte_crypto_sgl){.vec = &vec[i], .num = 1};
                                iv[i].va = nonce[i];
                                aadp[i].va = aad[i];
                                digest[i].va = d + len;
                            }
                            struct rte_crypto_sym_vec v = {.num = BURST, .src_sgl = sgl, .iv = iv, .digest = digest, .aad = aadp, .status = status};
                            union rte_crypto_sym_ofs ofs = {.raw = 0};
                            if (rte_cryptodev_sym_cpu_crypto_process((uint8_t)dev, session[enc], ofs, &v) != BURST) fail("cpu crypto");
                            continue;
                        }
                        for (int i = 0; i < BURST; i++)
                        {
                            uint8_t *d = packets + i * STRIDE;
                            prepare(i, enc ? ++seq : (uint64_t)i + 1);
                            int ok = impl == OPENSSL
                                ? (enc ? ref_ossl_seal(ctx[0][1], nonce[i], aad[i], 12, d, len, d + len)
                                       : ref_ossl_open(ctx[0][0], nonce[i], aad[i], 12, d, len, d + len))
                                : (enc ? ref_imb_seal(ctx[1][1], nonce[i], aad[i], 12, d, len, d + len)
                                       : ref_imb_open(ctx[1][0], nonce[i], aad[i], 12, d, len, d + len));
                            if (!ok) fail(names[impl]);
                        }
                    }
                    runs[rep] = (now_ns() - start) / ops;
                }
                qsort(runs, (size_t)repeats, sizeof runs[0], by_value);
                printf("%s,%d,%d,%s,%.1f\n", names[impl], bits, len, enc ? "encrypt" : "decrypt", runs[repeats / 2]);
                fflush(stdout);
            }
        }
    }
    return 0;
}
EOF

echo "== building the reference wrappers and the native driver"
implementations=jdk,openssl-ffm,ipsec-mb-ffm,shim
native_built=0
if gcc -O3 -Wall -fPIC -shared -Inative/include -Inative/src/main/c -o "$work/libflowlane_gcm_ref.so" "$work/gcm_ref.c" \
    -lcrypto -lIPSec_MB 2> "$work/build.log"; then
    # pkg-config prints all its flags on one line: one word each.
    read -r -a dpdk_cflags <<< "$(pkg-config --cflags libdpdk)"
    read -r -a dpdk_libs <<< "$(pkg-config --libs libdpdk)"
    if gcc -O3 -Wall -o "$work/gcm_native" "$work/gcm_native.c" "${dpdk_cflags[@]}" \
        -L"$work" -Wl,-rpath,"$PWD/$work" -lflowlane_gcm_ref "${dpdk_libs[@]}" 2>> "$work/build.log"; then
        native_built=1
    fi
else
    implementations=jdk,shim
    echo "reference wrappers not built (need gcc, libssl-dev, libipsec-mb-dev; see $work/build.log): JMH runs jdk and shim only"
fi
# What the shim (AesGcm) runs on: the library its packaged .so links.
shim_so="$work/libflowlane_shim.so"
unzip -p perf/target/lib/flowlane-native-*.jar native/linux-x86_64/libflowlane_shim.so > "$shim_so" 2>/dev/null || true
shim_backend=unknown
if ldd "$shim_so" 2>/dev/null | grep -q libIPSec_MB; then shim_backend=intel-ipsec-mb
elif ldd "$shim_so" 2>/dev/null | grep -q libcrypto; then shim_backend=openssl; fi
echo "the shim's AES-GCM runs on: $shim_backend"

# ---- 1. JMH ----
echo "== JMH AesGcmBenchmark ($implementations), -prof gc"
# shellcheck disable=SC2086
./flowlane java org.openjdk.jmh.Main AesGcmBenchmark -f 1 $jmh_args -p implementation="$implementations" -prof gc \
    -jvmArgsAppend "-Dflowlane.gcmRef=$PWD/$work/libflowlane_gcm_ref.so" \
    -rf json -rff "$work/jmh.json" | grep -E '^(Benchmark|AesGcmBenchmark\.[a-z]+ |AesGcmBenchmark\.[a-z]+:gc\.alloc\.rate\.norm)' || true
[ -s "$work/jmh.json" ] || { echo "JMH wrote no results"; exit 1; }

# ---- 2. DPDK cryptodev: dpdk-test-crypto-perf ----
# Main lcore $main_cpu only starts the test; the worker lcore $cpu runs it. Ordinary pages
# (--no-huge): the software PMDs do not need hugepages.
echo "== dpdk-test-crypto-perf throughput (burst 32, $ops ops per size, $repeats runs each)"
echo "pmd,key_bits,op,run,lcore,buffer,burst,enqueued,dequeued,failed_enq,failed_deq,mops,gbps,cycles_per_buf" > "$work/cryptoperf.csv"
for run in $(seq 1 "$repeats"); do
    for pmd in crypto_aesni_gcm crypto_openssl; do
        for key in 16 32; do
            for op in encrypt decrypt; do
                dpdk-test-crypto-perf -l "$main_cpu,$cpu" --no-huge -m 512 --no-pci --file-prefix "flowlane-cperf-$$" \
                    --vdev "${pmd}0" --log-level=warning -- \
                    --ptest throughput --devtype "$pmd" --optype aead --aead-algo aes-gcm --aead-op "$op" \
                    --aead-key-sz "$key" --aead-iv-sz 12 --aead-aad-sz 12 --digest-sz 16 \
                    --buffer-sz 64,1400 --burst-sz 32 --total-ops "$ops" --silent --csv-friendly 2>/dev/null \
                    | grep -E '^[0-9]+,(64|1400),' | sed "s/^/$pmd,$((key * 8)),$op,$run,/" | tee -a "$work/cryptoperf.csv"
            done
        done
    done
done

# ---- 3. Native reference (C, no JVM) ----
if [ "${SKIP_NATIVE:-0}" != 1 ] && [ "$native_built" = 1 ]; then
    echo "== native reference (C): OpenSSL EVP, intel-ipsec-mb, cryptodev cpu-crypto"
    "$work/gcm_native" -l "$cpu" --no-huge -m 256 --no-pci --file-prefix "flowlane-gcm-$$" --vdev crypto_aesni_gcm0 \
        --log-level=warning -- "$ops" "$repeats" 2>/dev/null | tee "$work/native.csv"
fi

# ---- results ----
python3 - "$work" "$out/crypto-$stamp.json" "$stamp" "$cpu" "$ops" "$repeats" "$jmh_args" "$shim_backend" <<'EOF'
import csv, json, os, platform, subprocess, sys

work, path, stamp, cpu, ops, repeats, jmh_args, shim_backend = sys.argv[1:9]

def cmd(*args):
    """First line a command prints (stdout, else stderr: java -version), or empty."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        text = (done.stdout.strip() or done.stderr.strip()).splitlines()
        return text[0] if text else ""
    except Exception:
        return ""

def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return ""

rows = []   # one per (implementation, key_bits, payload, op)

def add(impl, source, bits, payload, op, ns, error=None, alloc=None, extra=None):
    row = {"implementation": impl, "source": source, "key_bits": int(bits), "payload": int(payload), "op": op,
           "ns_per_op": round(ns, 1), "gbit_per_s": round(int(payload) * 8 / ns, 2)}
    try:
        if error is not None and float(error) == float(error):   # JMH writes "NaN" for one iteration
            row["ns_error"] = round(float(error), 1)
    except ValueError:
        pass
    if alloc is not None:
        row["alloc_bytes_per_op"] = round(alloc, 1)
    if extra:
        row.update(extra)
    rows.append(row)

def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2

def iterations(metric):
    return [x for fork in metric.get("rawData", []) for x in fork] or [metric["score"]]

# JMH: the median of the measurement iterations. Decrypt includes copying the ciphertext back
# (in-place decryption destroys it): subtract "restore".
jmh = json.load(open(os.path.join(work, "jmh.json")))
restore = {}
for r in jmh:
    if r["benchmark"].endswith(".restore"):
        restore[int(r["params"]["payload"])] = median(iterations(r["primaryMetric"]))
for r in jmh:
    method = r["benchmark"].rsplit(".", 1)[1]
    if method == "restore":
        continue
    p = r["params"]
    score = median(iterations(r["primaryMetric"]))
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    extra = {"measured_ns": round(score, 1), "mean_ns": round(r["primaryMetric"]["score"], 1),
             "iterations_ns": [round(x, 1) for x in iterations(r["primaryMetric"])]}
    if method == "decrypt":
        copy = restore.get(int(p["payload"]), 0.0)
        score -= copy
        extra["restore_copy_ns_subtracted"] = round(copy, 1)
    impl = {"jdk": "javax.crypto (JDK)", "openssl-ffm": "OpenSSL EVP via FFM", "ipsec-mb-ffm": "intel-ipsec-mb via FFM",
            "shim": f"shim AesGcm via FFM ({shim_backend})"}[p["implementation"]]
    add(impl, "jmh", p["keyBits"], p["payload"], method, score, r["primaryMetric"]["scoreError"], alloc, extra)

# dpdk-test-crypto-perf: Mops on one worker lcore, median of the runs; ns/op = 1000 / Mops.
names = {"crypto_aesni_gcm": "cryptodev crypto_aesni_gcm (ipsec-mb)", "crypto_openssl": "cryptodev crypto_openssl"}
runs = {}
with open(os.path.join(work, "cryptoperf.csv")) as f:
    for r in csv.DictReader(f):
        runs.setdefault((r["pmd"], r["key_bits"], r["buffer"], r["op"]), []).append(r)
for (pmd, bits, buffer, op), group in runs.items():
    group.sort(key=lambda r: float(r["mops"]))
    median = group[len(group) // 2]
    mops = float(median["mops"])
    add(names[pmd], "dpdk-test-crypto-perf", bits, buffer, op, 1000.0 / mops,
        extra={"mops": mops, "cycles_per_op": float(median["cycles_per_buf"]),
               "runs_mops": [float(r["mops"]) for r in group],
               "failed_enq": sum(int(r["failed_enq"]) for r in group), "failed_deq": sum(int(r["failed_deq"]) for r in group)})

# Native reference: decrypt includes the ciphertext copy, measured alone as restore-copy.
native = os.path.join(work, "native.csv")
if os.path.exists(native):
    names = {"openssl-evp-c": "C: OpenSSL EVP", "ipsec-mb-c": "C: intel-ipsec-mb",
             "cryptodev-cpu-crypto": "C: cryptodev cpu-crypto (aesni_gcm)"}
    data = list(csv.DictReader(open(native)))
    copy = {(r["key_bits"], r["payload"]): float(r["ns_per_op"]) for r in data if r["impl"] == "restore-copy"}
    for r in data:
        if r["impl"] == "restore-copy":
            continue
        ns = float(r["ns_per_op"])
        extra = {"measured_ns": ns}
        if r["op"] == "decrypt":
            c = copy.get((r["key_bits"], r["payload"]), 0.0)
            ns -= c
            extra["restore_copy_ns_subtracted"] = c
        add(names[r["impl"]], "native-c", r["key_bits"], r["payload"], r["op"], ns, extra=extra)

# Summary table: one row per implementation, ns/op (Gbit/s) per column; B/op for JMH.
columns = [(b, p, o) for b in (128, 256) for p in (64, 1400) for o in ("encrypt", "decrypt")]
impls = []
for r in rows:
    if r["implementation"] not in impls:
        impls.append(r["implementation"])
index = {(r["implementation"], r["key_bits"], r["payload"], r["op"]): r for r in rows}
head = ["implementation"] + [f"{b} {p}B {o[:3]}" for b, p, o in columns] + ["alloc B/op"]
lines = []
table = [head]
for impl in impls:
    cells = [impl]
    allocs = []
    for b, p, o in columns:
        r = index.get((impl, b, p, o))
        cells.append("-" if r is None else f"{r['ns_per_op']:.0f} ({r['gbit_per_s']:.1f})")
        if r is not None and "alloc_bytes_per_op" in r:
            allocs.append(r["alloc_bytes_per_op"])
    low, high = (f"{min(allocs):.0f}", f"{max(allocs):.0f}") if allocs else ("-", "-")
    cells.append(low if low == high else f"{low}..{high}")
    table.append(cells)
widths = [max(len(row[c]) for row in table) for c in range(len(head))]
lines.append("AES-GCM per packet on one core: ns/op (Gbit/s); columns key bits, payload, encrypt/decrypt")
for row in table:
    lines.append("  ".join(cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c]) for c, cell in enumerate(row)))
lines.append("decrypt checks the tag; JMH and native decrypt have the ciphertext-restore copy subtracted;")
lines.append(f"JMH: median of its iterations ({jmh_args}); crypto-perf and native: median of {repeats} runs of {ops} ops")
noisy = [r for r in rows if r["source"] == "jmh" and r.get("ns_error", 0) > 0.1 * r["mean_ns"]]
if noisy:
    lines.append(f"WARNING: {len(noisy)} of {sum(r['source'] == 'jmh' for r in rows)} JMH results have a 99.9% error above 10% "
                 "of their mean: something else was using the CPUs; rerun on a quiet machine")

result = {
    "stamp": stamp,
    "host": {"cpu": cpu_model(), "cpus": os.cpu_count(), "kernel": platform.release(),
             "java": cmd(os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"), "-version"),
             "openssl": cmd("openssl", "version"), "dpdk": cmd("pkg-config", "--modversion", "libdpdk"),
             "ipsec_mb": cmd("dpkg-query", "-W", "-f=${Version}", "libipsec-mb1"),
             "shim_aes_gcm_backend": shim_backend, "loadavg_at_end": open("/proc/loadavg").read().split()[:3]},
    "setup": {"worker_cpu": int(cpu), "ops_per_size": int(ops), "repeats_median_of": int(repeats), "cryptoperf_burst": 32, "jmh_args": jmh_args,
              "jmh_burst": 32, "nonce_bytes": 12, "aad_bytes": 12, "tag_bytes": 16, "in_place": True},
    "results": rows,
    "summary": lines,
}
with open(path, "w") as f:
    json.dump(result, f, indent=1)
print()
print("\n".join(lines))
print(f"\nwrote {path}")
EOF
