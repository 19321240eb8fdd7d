/* sha256.c: thin wrapper over OpenSSL's EVP digest. */
#include "sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"

struct vouch_sha256_t {
    EVP_MD_CTX *ctx;
};

vouch_sha256_t *vouch_sha256_new(void)
{
    vouch_sha256_t *self = vouch_calloc(1, sizeof *self);
    self->ctx = EVP_MD_CTX_new();
    if (!self->ctx || EVP_DigestInit_ex(self->ctx, EVP_sha256(), NULL) != 1) {
        fprintf(stderr, "vouch: cannot initialise SHA-256\n");
        abort();
    }
    return self;
}

void vouch_sha256_update(vouch_sha256_t *self, const void *data, size_t len)
{
    EVP_DigestUpdate(self->ctx, data, len);
}

void vouch_sha256_final(vouch_sha256_t *self, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(self->ctx, md, &n);
    for (unsigned int i = 0; i < n && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[64] = '\0';
}

void vouch_sha256_destroy(vouch_sha256_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    EVP_MD_CTX_free((*self_p)->ctx);
    free(*self_p);
    *self_p = NULL;
}

void vouch_sha256_hex(const void *data, size_t len, char hex[65])
{
    vouch_sha256_t *s = vouch_sha256_new();
    vouch_sha256_update(s, data, len);
    vouch_sha256_final(s, hex);
    vouch_sha256_destroy(&s);
}
