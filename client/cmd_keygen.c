/* cmd_keygen.c: `vouchctl keygen`: CURVE key pairs for vouchd and its
 * clients, made here without vouchd or the database; --missing makes what a
 * one-host stack lacks (deploy/stack.sh up calls it). */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "ctl.h"
#include "curve.h"

static void s_usage(FILE *out)
{
    fprintf(out, "usage: vouchctl keygen NAME [--dir DIR]\n"
                 "       vouchctl keygen --missing\n"
                 "\n"
                 "Makes a CURVE key pair: DIR/NAME.key (the pair; secret, mode 0600) and\n"
                 "DIR/NAME.pub (the public key alone). DIR defaults to the state folder's\n"
                 "keys/ (the current folder without one). Needs no vouchd or database.\n"
                 "\n"
                 "  keygen server   vouchd's key pair: vouchd reads server.key\n"
                 "                  (curve_server_key); every worker and vouchctl host needs\n"
                 "                  server.pub (curve_server_public)\n"
                 "  keygen NAME     a worker's or vouchctl's key pair (curve_client_key);\n"
                 "                  vouchd lets it in once NAME.pub is in its curve_allow_dir\n"
                 "  --dir DIR       where to write them\n"
                 "  --missing       if vouch.conf puts CURVE on any endpoint, make what of the\n"
                 "                  files it names is missing: the server's key pair and public\n"
                 "                  key, this host's client key pair, and that key allowed\n"
                 "\n"
                 "An existing file is never overwritten (exit 1).\n");
}

/* NAME of NAME.key: letters, digits, '.', '-', '_', not starting with '.' */
static bool s_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= 64 && name[0] != '.' &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static bool s_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int s_keygen(const vouch_ctl_t *ctl, const char *name, const char *dir_arg)
{
    if (!s_name_ok(name)) {
        vouch_ctl_fail("\"%s\" is not a key name (letters, digits, '.', '-', '_')", name);
        return VOUCH_EXIT_USAGE;
    }
    char *dir = dir_arg    ? vouch_strdup(dir_arg)
                : ctl->cfg ? vouch_asprintf("%s/keys", ctl->cfg->home)
                           : vouch_strdup(".");
    char *key = vouch_asprintf("%s/%s.key", dir, name),
         *pub = vouch_asprintf("%s/%s.pub", dir, name);
    int rc = VOUCH_EXIT_REFUSED;
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_curve_keypair_t kp;
    if (s_exists(key) || s_exists(pub)) {
        vouch_ctl_fail("%s exists: remove %s.key and %s.pub first to make a new key",
                       s_exists(key) ? key : pub, name, name);
        goto done;
    }
    if (vouch_curve_keypair_new(&kp, &err) != 0 ||
        vouch_curve_write_keypair(key, name, &kp, &err) != 0)
        goto fail;
    if (vouch_curve_write_public(pub, kp.public_z85, &err) != 0) {
        unlink(key);
        goto fail;
    }
    printf("wrote %s (the key pair: secret, mode 0600) and %s\n", key, pub);
    printf("public key: %s\n", kp.public_z85);
    if (strcmp(name, "server") == 0)
        printf("vouchd reads %s.key as its curve_server_key; every worker and vouchctl host\n"
               "needs %s.pub as its curve_server_public\n",
               name, name);
    else
        printf("a worker or vouchctl uses %s.key as its curve_client_key; vouchd lets it in\n"
               "once %s.pub is in vouchd's curve_allow_dir%s%s%s\n",
               name, name, ctl->cfg ? " (" : "", ctl->cfg ? ctl->cfg->curve_allow_dir : "",
               ctl->cfg ? ")" : "");
    rc = VOUCH_EXIT_OK;
    goto done;
fail:
    vouch_ctl_fail("%s", err.text);
done:
    memset(&kp, 0, sizeof kp);
    free(key);
    free(pub);
    free(dir);
    return rc;
}

/* NAME of .../NAME.key: a new string */
static char *s_stem(const char *path)
{
    char *copy = vouch_strdup(path);
    char *stem = vouch_strdup(basename(copy));
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    free(copy);
    return stem;
}

/* path's key pair, made (named after the file) when it does not exist */
static int s_keypair(const char *setting, const char *path, vouch_curve_keypair_t *kp,
                     vouch_error_t *err)
{
    if (!s_exists(path)) {
        char *name = s_stem(path);
        int rc = vouch_curve_keypair_new(kp, err) == 0
                     ? vouch_curve_write_keypair(path, name, kp, err)
                     : -1;
        free(name);
        if (rc != 0)
            return -1;
        printf("made %s (%s)\n", path, setting);
        return 0;
    }
    if (vouch_curve_read_keypair(path, kp, err) == 0)
        return 0;
    char why[sizeof err->text];
    snprintf(why, sizeof why, "%s", err->text);
    vouch_error_set(err, "%s: %s", setting, why);
    return -1;
}

/* What a stack on this host lacks, as vouch.conf names it */
static int s_missing(const vouch_ctl_t *ctl)
{
    const vouch_config_t *cfg = ctl->cfg;
    if (!vouch_curve_any(cfg)) {
        printf("CURVE is on for none of the endpoints (curve = %s): no keys needed\n", cfg->curve);
        return VOUCH_EXIT_OK;
    }
    vouch_error_t err;
    vouch_error_clear(&err);
    vouch_curve_keypair_t server, client;
    vouch_curve_allowed_t *allowed = NULL;
    size_t n = 0;
    char *bad = NULL, *entry = NULL;
    int rc = VOUCH_EXIT_REFUSED;
    if (s_keypair("curve_server_key", cfg->curve_server_key, &server, &err) != 0)
        goto fail;
    char held[VOUCH_CURVE_Z85_LEN + 1];
    if (!s_exists(cfg->curve_server_public)) {
        if (vouch_curve_write_public(cfg->curve_server_public, server.public_z85, &err) != 0)
            goto fail;
        printf("made %s (curve_server_public)\n", cfg->curve_server_public);
    } else if (vouch_curve_read_public(cfg->curve_server_public, held, &err) != 0)
        goto fail;
    else if (strcmp(held, server.public_z85) != 0) {
        vouch_error_set(&err, "curve_server_public %s is not the public key of curve_server_key %s",
                        cfg->curve_server_public, cfg->curve_server_key);
        goto fail;
    }
    if (s_keypair("curve_client_key", cfg->curve_client_key, &client, &err) != 0)
        goto fail;
    if (vouch_curve_read_allowed(cfg->curve_allow_dir, &allowed, &n, &bad, &err) != 0)
        goto fail;
    bool found = false;
    for (size_t i = 0; i < n && !found; i++)
        found = strcmp(allowed[i].z85, client.public_z85) == 0;
    if (!found) {
        char *name = s_stem(cfg->curve_client_key);
        entry = vouch_asprintf("%s/%s.pub", cfg->curve_allow_dir, name);
        free(name);
        if (vouch_curve_write_public(entry, client.public_z85, &err) != 0)
            goto fail;
        printf("made %s (curve_client_key allowed)\n", entry);
    }
    rc = VOUCH_EXIT_OK;
    goto done;
fail:
    vouch_ctl_fail("%s", err.text);
done:
    memset(&server, 0, sizeof server);
    memset(&client, 0, sizeof client);
    free(allowed);
    free(bad);
    free(entry);
    return rc;
}

int vouch_cmd_keygen(vouch_ctl_t *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"missing", no_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    bool missing = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'm':
            missing = true;
            break;
        case 'h':
            s_usage(stdout);
            return VOUCH_EXIT_OK;
        default:
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
    }
    if (missing) {
        if (optind < argc || dir) {
            s_usage(stderr);
            return VOUCH_EXIT_USAGE;
        }
        if (!ctl->cfg) {
            vouch_ctl_fail("keygen --missing: no state folder: give --home DIR or set VOUCH_HOME");
            return VOUCH_EXIT_USAGE;
        }
        return s_missing(ctl);
    }
    if (optind + 1 != argc) {
        s_usage(stderr);
        return VOUCH_EXIT_USAGE;
    }
    return s_keygen(ctl, argv[optind], dir);
}
