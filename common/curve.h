/* curve.h: CURVE on vouch's ZeroMQ endpoints: the rule that says where it is
 * on (vouch.conf's curve = auto|on|off), key files in Z85 text, and the socket
 * options vouchd and its clients set from them. vouchd's allow-list and its
 * ZAP handler are daemon/zap.c. */
#ifndef VOUCH_CURVE_H
#define VOUCH_CURVE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"

#define VOUCH_CURVE_Z85_LEN 40 /* a 32-byte key in Z85 */
#define VOUCH_CURVE_ZAP_DOMAIN "vouch"

typedef struct {
    char public_z85[VOUCH_CURVE_Z85_LEN + 1];
    char secret_z85[VOUCH_CURVE_Z85_LEN + 1];
} vouch_curve_keypair_t;

/* true for "auto", "on" and "off" */
bool vouch_curve_mode_ok(const char *mode);

/* Whether CURVE guards endpoint under mode: "on" everywhere, "off" nowhere,
 * "auto" everywhere but ipc://, inproc:// and tcp:// to a loopback host
 * (127.x.y.z, localhost, [::1], the interface lo). */
bool vouch_curve_wanted(const char *mode, const char *endpoint);

/* Whether CURVE guards any of cfg's three endpoints. */
bool vouch_curve_any(const vouch_config_t *cfg);

/* true when s is exactly 40 characters of the Z85 alphabet */
bool vouch_curve_z85_ok(const char *s);

/* A new key pair. 0, or -1 with err. */
int vouch_curve_keypair_new(vouch_curve_keypair_t *kp, vouch_error_t *err);

/* Read a key-pair file ("public = Z85" and "secret = Z85" lines; "# "
 * comments). Refused, with err naming the file, when group or others may read
 * or change it, when a key is not 40 characters of Z85, or when the public
 * key is not the secret key's. */
int vouch_curve_read_keypair(const char *path, vouch_curve_keypair_t *kp, vouch_error_t *err);

/* Read a public-key file: the 40 characters alone on a line, or
 * "public = Z85" (a key-pair file does too). 0, or -1 with err. */
int vouch_curve_read_public(const char *path, char z85[VOUCH_CURVE_Z85_LEN + 1],
                            vouch_error_t *err);

/* Write a key-pair file (mode 0600) or a public-key file (0644, the key
 * alone), making its folder when missing; never over a file that exists.
 * name goes into the key pair's comment. 0, or -1 with err. */
int vouch_curve_write_keypair(const char *path, const char *name, const vouch_curve_keypair_t *kp,
                              vouch_error_t *err);
int vouch_curve_write_public(const char *path, const char *public_z85, vouch_error_t *err);

/* One key of an allow-list folder: NAME.pub's key and NAME */
typedef struct {
    char z85[VOUCH_CURVE_Z85_LEN + 1];
    char name[64];
} vouch_curve_allowed_t;

/* The keys of the *.pub files in dir: a new array of *n (NULL when none).
 * A file that does not read as a public key is left out, and said in *bad
 * (a new string, "FILE: reason; ..."; NULL when every file read). A folder
 * that does not exist holds no key. -1 with err when dir cannot be read. */
int vouch_curve_read_allowed(const char *dir, vouch_curve_allowed_t **keys, size_t *n, char **bad,
                             vouch_error_t *err);

/* Make socket a CURVE server with the key pair, under the ZAP domain "vouch"
 * (and, where libzmq has it, refusing every client when no ZAP handler
 * answers). Before bind. 0, or -1 with err. */
int vouch_curve_set_server(void *socket, const vouch_curve_keypair_t *kp, vouch_error_t *err);

/* When cfg wants CURVE on endpoint, make socket a CURVE client of vouchd:
 * its own key pair from curve_client_key, vouchd's public key from
 * curve_server_public. Before connect. 0 (also when CURVE is not wanted), or
 * -1 with err naming the setting and the file. */
int vouch_curve_set_client(void *socket, const vouch_config_t *cfg, const char *endpoint,
                           vouch_error_t *err);

/* Watch socket's handshakes (call before it binds or connects): a new PAIR
 * socket in ctx to poll, that receives the handshakes that fail (a key
 * refused, a peer without CURVE, bytes that are not ZMTP). name makes the
 * inproc endpoint unique in the process. NULL when libzmq cannot. The caller
 * closes it before the context ends. */
void *vouch_curve_watch(void *ctx, void *socket, const char *name);

/* Read one event off a watch socket without waiting: for a failed
 * handshake, text says what failed and *refused whether it was the key
 * (ZAP status 400), and the return is 1 when libzmq dials again by itself
 * (the connection broke), 2 when it has given up on that peer (a key
 * refused, CURVE on one side only, a protocol error: the connecting side
 * must dial again itself); 0 for another event; -1 when none is there. */
int vouch_curve_watch_read(void *watch, char *text, size_t size, bool *refused);

#endif
