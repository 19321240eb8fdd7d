/* curve.c: where CURVE is on, key files and the socket options of CURVE.
 * Key files are text, so that a public key can be mailed and pasted: the key
 * pair as "public = Z85" and "secret = Z85" lines (mode 0600), a public key
 * as its 40 characters alone. */
#include "curve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "alloc.h"
#include "file.h"

/* ZMQ_ZAP_ENFORCE_DOMAIN is libzmq's draft API; the library may have it
 * even when the header does not say so */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

#define S_KEY_FILE_MAX 4096

static const char s_z85_alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ".-:+=^!/*?&<>()[]{}@%$#";

bool vouch_curve_mode_ok(const char *mode)
{
    return mode &&
           (strcmp(mode, "auto") == 0 || strcmp(mode, "on") == 0 || strcmp(mode, "off") == 0);
}

/* The host a tcp:// endpoint names: after a "source;" part, before the port */
static bool s_loopback_host(const char *addr)
{
    const char *semi = strrchr(addr, ';');
    if (semi)
        addr = semi + 1;
    size_t n;
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close)
            return false;
        addr++;
        n = (size_t)(close - addr);
    } else {
        const char *colon = strrchr(addr, ':');
        n = colon ? (size_t)(colon - addr) : strlen(addr);
    }
    if (n > 4 && strncmp(addr, "127.", 4) == 0)
        return strspn(addr, "0123456789.") >= n;
    return (n == 9 && strncmp(addr, "localhost", 9) == 0) ||
           (n == 3 && strncmp(addr, "::1", 3) == 0) || (n == 2 && strncmp(addr, "lo", 2) == 0);
}

bool vouch_curve_wanted(const char *mode, const char *endpoint)
{
    if (!mode || strcmp(mode, "off") == 0)
        return false;
    if (strcmp(mode, "on") == 0)
        return true;
    if (strncmp(endpoint, "ipc://", 6) == 0 || strncmp(endpoint, "inproc://", 9) == 0)
        return false;
    if (strncmp(endpoint, "tcp://", 6) == 0)
        return !s_loopback_host(endpoint + 6);
    return true;
}

bool vouch_curve_any(const vouch_config_t *cfg)
{
    return vouch_curve_wanted(cfg->curve, cfg->control_endpoint) ||
           vouch_curve_wanted(cfg->curve, cfg->work_endpoint) ||
           vouch_curve_wanted(cfg->curve, cfg->results_endpoint);
}

bool vouch_curve_z85_ok(const char *s)
{
    if (!s || strlen(s) != VOUCH_CURVE_Z85_LEN)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr(s_z85_alphabet, *p))
            return false;
    return true;
}

int vouch_curve_keypair_new(vouch_curve_keypair_t *kp, vouch_error_t *err)
{
    if (zmq_curve_keypair(kp->public_z85, kp->secret_z85) != 0) {
        vouch_error_set(err, "cannot make a key pair: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

static int s_take_key(const char *path, const char *what, const char *value, char *out,
                      vouch_error_t *err)
{
    if (!vouch_curve_z85_ok(value)) {
        vouch_error_set(err, "%s: the %s key is not 40 characters of Z85 (%zu characters%s)", path,
                        what, strlen(value),
                        strlen(value) == VOUCH_CURVE_Z85_LEN ? ", not all of Z85" : "");
        return -1;
    }
    memcpy(out, value, VOUCH_CURVE_Z85_LEN + 1);
    return 0;
}

/* Read path's lines into the keys asked for (public and/or secret); a bare
 * key counts as the public one when bare is set. */
static int s_read_keys(const char *path, char *public_z85, char *secret_z85, bool bare,
                       vouch_error_t *err)
{
    size_t len;
    char *text = vouch_file_read(path, S_KEY_FILE_MAX, &len, err);
    if (!text)
        return -1;
    int rc = -1;
    if (strlen(text) != len) {
        vouch_error_set(err, "%s: not a key file (it holds NUL bytes)", path);
        goto done;
    }
    if (public_z85)
        public_z85[0] = '\0';
    if (secret_z85)
        secret_z85[0] = '\0';
    char *rest = text;
    long lineno = 0;
    for (char *line = strsep(&rest, "\n"); line; line = strsep(&rest, "\n")) {
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        line += strspn(line, " \t");
        char *end = line + strlen(line);
        while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        /* a key has no space: "# ..." is a comment, "#abc..." may be a key */
        if (!*line || strcmp(line, "#") == 0 || strncmp(line, "# ", 2) == 0)
            continue;
        const char *names[] = {"public", "secret"};
        char *outs[] = {public_z85, secret_z85};
        bool taken = false;
        for (int k = 0; k < 2 && !taken; k++) {
            size_t nl = strlen(names[k]);
            if (strncmp(line, names[k], nl) != 0)
                continue;
            char *v = line + nl;
            v += strspn(v, " \t");
            if (*v != '=')
                continue;
            v++;
            v += strspn(v, " \t");
            if (outs[k] && s_take_key(path, names[k], v, outs[k], err) != 0)
                goto done;
            taken = true;
        }
        if (taken)
            continue;
        if (bare && public_z85 && !public_z85[0]) {
            if (s_take_key(path, "public", line, public_z85, err) != 0)
                goto done;
            continue;
        }
        vouch_error_set(err, "%s:%ld: expected \"public = KEY\"%s", path, lineno,
                        secret_z85 ? " or \"secret = KEY\"" : "");
        goto done;
    }
    if (public_z85 && !public_z85[0]) {
        vouch_error_set(err, "%s: no public key in it", path);
        goto done;
    }
    if (secret_z85 && !secret_z85[0]) {
        vouch_error_set(err, "%s: no secret key in it (a public-key file, not a key pair?)", path);
        goto done;
    }
    rc = 0;
done:
    /* the secret key's bytes are not left in freed memory */
    memset(text, 0, len);
    free(text);
    return rc;
}

int vouch_curve_read_keypair(const char *path, vouch_curve_keypair_t *kp, vouch_error_t *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        vouch_error_set(err, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (st.st_mode & 077) {
        vouch_error_set(err,
                        "%s holds a secret key that group or others may read or change "
                        "(mode %04o): chmod 600 it",
                        path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    if (s_read_keys(path, kp->public_z85, kp->secret_z85, false, err) != 0) {
        memset(kp, 0, sizeof *kp);
        return -1;
    }
    char derived[VOUCH_CURVE_Z85_LEN + 1];
    if (zmq_curve_public(derived, kp->secret_z85) != 0 || strcmp(derived, kp->public_z85) != 0) {
        vouch_error_set(err, "%s: its public key is not its secret key's", path);
        memset(kp, 0, sizeof *kp);
        return -1;
    }
    return 0;
}

int vouch_curve_read_public(const char *path, char z85[VOUCH_CURVE_Z85_LEN + 1], vouch_error_t *err)
{
    return s_read_keys(path, z85, NULL, true, err);
}

/* mkdir -p of path's folder */
static int s_make_folder_of(const char *path, vouch_error_t *err)
{
    char *dir = vouch_strdup(path);
    int rc = 0;
    for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            vouch_error_set(err, "cannot make the folder %s: %s", dir, strerror(errno));
            rc = -1;
            break;
        }
        *p = '/';
    }
    free(dir);
    return rc;
}

static int s_write_new(const char *path, mode_t mode, const char *text, vouch_error_t *err)
{
    if (s_make_folder_of(path, err) != 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        vouch_error_set(err, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    /* the mode asked for, whatever the umask */
    if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
        vouch_error_set(err, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (close(fd) != 0) {
        vouch_error_set(err, "cannot write %s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 0;
}

int vouch_curve_write_keypair(const char *path, const char *name, const vouch_curve_keypair_t *kp,
                              vouch_error_t *err)
{
    char text[512];
    snprintf(text, sizeof text,
             "# vouch CURVE key pair \"%.64s\" (vouchctl keygen): keep it secret, mode 0600\n"
             "public = %s\n"
             "secret = %s\n",
             name, kp->public_z85, kp->secret_z85);
    int rc = s_write_new(path, 0600, text, err);
    memset(text, 0, sizeof text);
    return rc;
}

int vouch_curve_write_public(const char *path, const char *public_z85, vouch_error_t *err)
{
    char text[VOUCH_CURVE_Z85_LEN + 2];
    snprintf(text, sizeof text, "%s\n", public_z85);
    return s_write_new(path, 0644, text, err);
}

int vouch_curve_read_allowed(const char *dir, vouch_curve_allowed_t **keys, size_t *n, char **bad,
                             vouch_error_t *err)
{
    *keys = NULL;
    *n = 0;
    *bad = NULL;
    DIR *d = opendir(dir);
    if (!d && errno == ENOENT)
        return 0;
    if (!d) {
        vouch_error_set(err, "cannot read the folder %s: %s", dir, strerror(errno));
        return -1;
    }
    vouch_buf_t problems;
    vouch_buf_init(&problems);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 4 || strcmp(e->d_name + len - 4, ".pub") != 0)
            continue;
        char *path = vouch_asprintf("%s/%s", dir, e->d_name);
        vouch_curve_allowed_t key;
        vouch_error_t why;
        vouch_error_clear(&why);
        if (vouch_curve_read_public(path, key.z85, &why) == 0) {
            snprintf(key.name, sizeof key.name, "%.*s", (int)(len - 4), e->d_name);
            *keys = vouch_realloc(*keys, (*n + 1) * sizeof **keys);
            (*keys)[(*n)++] = key;
        } else
            vouch_buf_printf(&problems, "%s%s", problems.len ? "; " : "", why.text);
        free(path);
    }
    closedir(d);
    *bad = problems.data;
    return 0;
}

static int s_setopt(void *socket, int option, const void *value, size_t len, const char *what,
                    vouch_error_t *err)
{
    if (zmq_setsockopt(socket, option, value, len) == 0)
        return 0;
    vouch_error_set(err, "cannot set %s: %s", what, zmq_strerror(zmq_errno()));
    return -1;
}

int vouch_curve_set_server(void *socket, const vouch_curve_keypair_t *kp, vouch_error_t *err)
{
    int on = 1;
    if (s_setopt(socket, ZMQ_CURVE_SERVER, &on, sizeof on, "ZMQ_CURVE_SERVER", err) != 0 ||
        s_setopt(socket, ZMQ_CURVE_SECRETKEY, kp->secret_z85, VOUCH_CURVE_Z85_LEN,
                 "ZMQ_CURVE_SECRETKEY", err) != 0 ||
        s_setopt(socket, ZMQ_ZAP_DOMAIN, VOUCH_CURVE_ZAP_DOMAIN, strlen(VOUCH_CURVE_ZAP_DOMAIN),
                 "ZMQ_ZAP_DOMAIN", err) != 0)
        return -1;
    /* without it a CURVE server lets in every client when no ZAP handler
     * answers; vouchd binds its handler first, so this is a second lock */
    zmq_setsockopt(socket, ZMQ_ZAP_ENFORCE_DOMAIN, &on, sizeof on);
    return 0;
}

int vouch_curve_set_client(void *socket, const vouch_config_t *cfg, const char *endpoint,
                           vouch_error_t *err)
{
    if (!vouch_curve_wanted(cfg->curve, endpoint))
        return 0;
    vouch_curve_keypair_t kp;
    char server[VOUCH_CURVE_Z85_LEN + 1];
    char why[sizeof err->text];
    if (vouch_curve_read_keypair(cfg->curve_client_key, &kp, err) != 0) {
        snprintf(why, sizeof why, "%s", err->text);
        vouch_error_set(err,
                        "curve_client_key: %s (CURVE is on for %s: vouchctl keygen makes a key)",
                        why, endpoint);
        return -1;
    }
    if (vouch_curve_read_public(cfg->curve_server_public, server, err) != 0) {
        snprintf(why, sizeof why, "%s", err->text);
        vouch_error_set(
            err, "curve_server_public: %s (CURVE is on for %s: copy vouchd's server.pub here)", why,
            endpoint);
        memset(&kp, 0, sizeof kp);
        return -1;
    }
    int rc = 0;
    if (s_setopt(socket, ZMQ_CURVE_SERVERKEY, server, VOUCH_CURVE_Z85_LEN, "ZMQ_CURVE_SERVERKEY",
                 err) != 0 ||
        s_setopt(socket, ZMQ_CURVE_PUBLICKEY, kp.public_z85, VOUCH_CURVE_Z85_LEN,
                 "ZMQ_CURVE_PUBLICKEY", err) != 0 ||
        s_setopt(socket, ZMQ_CURVE_SECRETKEY, kp.secret_z85, VOUCH_CURVE_Z85_LEN,
                 "ZMQ_CURVE_SECRETKEY", err) != 0)
        rc = -1;
    memset(&kp, 0, sizeof kp);
    return rc;
}

void *vouch_curve_watch(void *ctx, void *socket, const char *name)
{
    /* a socket made again may have the address of one closed, whose
     * monitor's endpoint is not gone yet: a counter never repeats */
    static unsigned long watches;
    char *endpoint = vouch_asprintf("inproc://vouch-watch-%s-%lu", name,
                                    __atomic_fetch_add(&watches, 1, __ATOMIC_RELAXED));
    void *pair = NULL;
    if (zmq_socket_monitor(socket, endpoint,
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0)
        goto done;
    pair = zmq_socket(ctx, ZMQ_PAIR);
    int linger = 0;
    zmq_setsockopt(pair, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(pair, endpoint) != 0) {
        zmq_close(pair);
        zmq_socket_monitor(socket, NULL, 0);
        pair = NULL;
    }
done:
    free(endpoint);
    return pair;
}

static const char *s_protocol_error(uint32_t code)
{
    switch (code) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
        return "the two sides disagree on CURVE (one has it on, the other off)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
        return "the CURVE handshake did not decrypt (a wrong server key?)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE:
        return "the CURVE key exchange failed";
    case ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND:
    case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE:
        return "the peer broke the ZMTP handshake";
    default:
        if (code >= ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED &&
            code <= ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA)
            return "the peer sent a malformed ZMTP command";
        if (code >= ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED && code < ZMQ_PROTOCOL_ERROR_WS_UNSPECIFIED)
            return "the ZAP handler answered wrongly";
        return "a ZMTP protocol error";
    }
}

int vouch_curve_watch_read(void *watch, char *text, size_t size, bool *refused)
{
    /* libzmq's monitor: [u16 event, u32 value] [endpoint] */
    zmq_msg_t head, addr;
    zmq_msg_init(&head);
    zmq_msg_init(&addr);
    if (zmq_msg_recv(&head, watch, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&head);
        zmq_msg_close(&addr);
        return -1;
    }
    /* a later libzmq may add frames: read them all, to stay in step */
    int more =
        zmq_msg_more(&head) && zmq_msg_recv(&addr, watch, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&addr);
    while (more) {
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        more = zmq_msg_recv(&extra, watch, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&extra);
        zmq_msg_close(&extra);
    }
    int rc = 0;
    *refused = false;
    if (zmq_msg_size(&head) == 6) {
        uint16_t event;
        uint32_t value;
        memcpy(&event, zmq_msg_data(&head), 2);
        memcpy(&value, (char *)zmq_msg_data(&head) + 2, 4);
        int alen = (int)zmq_msg_size(&addr);
        const char *a = zmq_msg_data(&addr);
        rc = 2;
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            *refused = value == 400;
            snprintf(text, size, "on %.*s: the key was refused (ZAP status %u)", alen, a,
                     (unsigned)value);
        } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
            snprintf(text, size, "on %.*s: %s (0x%08x)", alen, a, s_protocol_error(value),
                     (unsigned)value);
        else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
            snprintf(text, size, "on %.*s: the connection closed in the handshake (%s)", alen, a,
                     strerror((int)value));
            rc = 1;
        } else
            rc = 0;
    }
    zmq_msg_close(&head);
    zmq_msg_close(&addr);
    return rc;
}
