/* sha256.h: SHA-256 (OpenSSL's EVP), streamed, for ledger identity: the same
 * bytes are the same ledger, whoever sends them and however often. */
#ifndef VOUCH_SHA256_H
#define VOUCH_SHA256_H

#include <stddef.h>

typedef struct vouch_sha256_t vouch_sha256_t;

vouch_sha256_t *vouch_sha256_new(void);
void vouch_sha256_update(vouch_sha256_t *self, const void *data, size_t len);
/* 64 lower-case hex digits and a NUL into hex; the object may not be updated after */
void vouch_sha256_final(vouch_sha256_t *self, char hex[65]);
void vouch_sha256_destroy(vouch_sha256_t **self_p);

/* one-shot */
void vouch_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
