/*
 * AES-GCM for IPsec ESP (RFC 4106) on OpenSSL's EVP interface.
 *
 * One EVP context per security association and worker, keyed once when the SA is installed;
 * per packet only the 12-byte nonce (salt || explicit IV) changes, so the fast path does no
 * key schedule and no allocation. OpenSSL picks AES-NI/VAES and PCLMULQDQ code at run time.
 * Each call is one downcall from Java (instead of five EVP calls) to keep the FFM overhead at
 * one transition per packet.
 */
#include <openssl/evp.h>

#include "flowlane_shim.h"

static const EVP_CIPHER *gcm_cipher(int key_len)
{
    switch (key_len)
    {
    case 16: return EVP_aes_128_gcm();
    case 24: return EVP_aes_192_gcm();
    case 32: return EVP_aes_256_gcm();
    default: return NULL;
    }
}

void *fl_gcm_new(const uint8_t *key, int key_len, int encrypt)
{
    const EVP_CIPHER *cipher = gcm_cipher(key_len);
    if (cipher == NULL)
    {
        return NULL;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
    {
        return NULL;
    }
    /* Key now, nonce per packet; the default nonce length is the 12 bytes RFC 4106 uses. */
    if (EVP_CipherInit_ex(ctx, cipher, NULL, key, NULL, encrypt ? 1 : 0) != 1)
    {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

void fl_gcm_free(void *ctx)
{
    EVP_CIPHER_CTX_free((EVP_CIPHER_CTX *)ctx);
}

int fl_gcm_seal(void *context, const uint8_t *nonce, const uint8_t *aad, int aad_len,
                uint8_t *data, int len, uint8_t *tag)
{
    EVP_CIPHER_CTX *ctx = (EVP_CIPHER_CTX *)context;
    int out;
    if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &out, aad, aad_len) != 1 ||
        EVP_EncryptUpdate(ctx, data, &out, data, len) != 1 ||
        EVP_EncryptFinal_ex(ctx, data + out, &out) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, FL_GCM_TAG_LENGTH, tag) != 1)
    {
        return 0;
    }
    return 1;
}

int fl_gcm_open(void *context, const uint8_t *nonce, const uint8_t *aad, int aad_len,
                uint8_t *data, int len, const uint8_t *tag)
{
    EVP_CIPHER_CTX *ctx = (EVP_CIPHER_CTX *)context;
    int out;
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, FL_GCM_TAG_LENGTH, (void *)tag) != 1 ||
        EVP_DecryptUpdate(ctx, NULL, &out, aad, aad_len) != 1 ||
        EVP_DecryptUpdate(ctx, data, &out, data, len) != 1)
    {
        return 0;
    }
    /* The tag is compared here, in constant time; 0 means forged or corrupted. */
    return EVP_DecryptFinal_ex(ctx, data + out, &out) == 1;
}
