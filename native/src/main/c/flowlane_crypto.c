/*
 * AES-GCM for IPsec ESP (RFC 4106) on intel-ipsec-mb's direct GCM API.
 *
 * intel-ipsec-mb is the library behind DPDK's crypto_ipsec_mb PMDs (crypto_aesni_gcm); called
 * directly there is no cryptodev session, op mempool or enqueue/dequeue, just one synchronous
 * function per packet. perf/crypto-compare.sh measured it against OpenSSL's EVP interface (what
 * this file used before) at 52 ns vs 286 ns per 64-byte packet and 375 ns vs 631 ns at 1400 bytes
 * on one core; see docs/tunnels.md.
 *
 * One context per security association and worker, keyed once when the SA is installed (AES
 * key schedule and GHASH key powers precomputed into gcm_key_data); per packet only the 12-byte
 * nonce (salt || explicit IV) changes, and the per-message state lives on the stack, so the fast
 * path allocates nothing. The library picks SSE, AVX2, AVX-512 or VAES code for the CPU at start.
 * Each call is one downcall from Java.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "flowlane_shim.h"

struct fl_gcm
{
    struct gcm_key_data key; /* first: 64-byte aligned */
    /* The library's encrypt or decrypt function for this key length, chosen once when keyed. */
    aes_gcm_enc_dec_t crypt;
    int encrypt;
};

/*
 * One manager for the process: the direct GCM API only reads its function pointers, so
 * workers share it without locking.
 */
static IMB_MGR *manager;
static pthread_once_t manager_once = PTHREAD_ONCE_INIT;

static void manager_init(void)
{
    IMB_MGR *m = alloc_mb_mgr(0);
    if (m != NULL)
    {
        init_mb_mgr_auto(m, NULL);
    }
    manager = m;
}

void *fl_gcm_new(const uint8_t *key, int key_len, int encrypt)
{
    if (key_len != 16 && key_len != 24 && key_len != 32)
    {
        return NULL;
    }
    pthread_once(&manager_once, manager_init);
    if (manager == NULL)
    {
        return NULL;
    }
    struct fl_gcm *ctx = aligned_alloc(64, (sizeof(struct fl_gcm) + 63) & ~(size_t)63);
    if (ctx == NULL)
    {
        return NULL;
    }
    memset(ctx, 0, sizeof(*ctx));
    ctx->encrypt = encrypt;
    switch (key_len)
    {
    case 16:
        IMB_AES128_GCM_PRE(manager, key, &ctx->key);
        ctx->crypt = encrypt ? manager->gcm128_enc : manager->gcm128_dec;
        break;
    case 24:
        IMB_AES192_GCM_PRE(manager, key, &ctx->key);
        ctx->crypt = encrypt ? manager->gcm192_enc : manager->gcm192_dec;
        break;
    default:
        IMB_AES256_GCM_PRE(manager, key, &ctx->key);
        ctx->crypt = encrypt ? manager->gcm256_enc : manager->gcm256_dec;
        break;
    }
    return ctx;
}

void fl_gcm_free(void *context)
{
    struct fl_gcm *ctx = (struct fl_gcm *)context;
    if (ctx != NULL)
    {
        /* Key material does not outlive the SA in freed memory. */
        memset(ctx, 0, sizeof(*ctx));
        free(ctx);
    }
}

int fl_gcm_seal(void *context, const uint8_t *nonce, const uint8_t *aad, int aad_len,
                uint8_t *data, int len, uint8_t *tag)
{
    const struct fl_gcm *ctx = (const struct fl_gcm *)context;
    struct gcm_context_data state;
    if (!ctx->encrypt || len < 0 || aad_len < 0)
    {
        return 0;
    }
    ctx->crypt(&ctx->key, &state, data, data, (uint64_t)len, nonce, aad, (uint64_t)aad_len, tag, FL_GCM_TAG_LENGTH);
    return 1;
}

int fl_gcm_open(void *context, const uint8_t *nonce, const uint8_t *aad, int aad_len,
                uint8_t *data, int len, const uint8_t *tag)
{
    const struct fl_gcm *ctx = (const struct fl_gcm *)context;
    struct gcm_context_data state;
    uint8_t computed[FL_GCM_TAG_LENGTH];
    if (ctx->encrypt || len < 0 || aad_len < 0)
    {
        return 0;
    }
    ctx->crypt(&ctx->key, &state, data, data, (uint64_t)len, nonce, aad, (uint64_t)aad_len, computed, FL_GCM_TAG_LENGTH);
    /*
     * Compare in constant time: 0 means forged or corrupted. The data was decrypted in place
     * already; the caller drops the packet without reading it.
     */
    uint8_t difference = 0;
    for (int i = 0; i < FL_GCM_TAG_LENGTH; i++)
    {
        difference |= computed[i] ^ tag[i];
    }
    return difference == 0;
}
