/* wire.h: vouch's messages on ZeroMQ, defined in one place.
 *
 * Every message is multipart: [routing id, on ROUTER sockets only]
 * [header: a JSON object {"v":2, "type":..., ...}] [payload: optional bytes].
 *
 *   control endpoint (vouchd ROUTER <- DEALER of vouchctl and workers)
 *     ingest_begin {name, org?, size}         -> ingest_ready {upload, window}
 *     ingest_chunk {upload, seq} + bytes       -> ingest_ack {upload, seq}
 *     ingest_end {upload, sha256}              -> ingest_queued {ticket}
 *     file_status {ticket}                     -> file_status {status, ledger_id, lines, ...}
 *     ledger_status {ledger_id}                -> ledger_status {batches, done, findings, complete}
 *     status {}                                -> status {...}
 *     policy_get {version}                     -> policy {version, profile} + policy bytes
 *     heartbeat {worker, batches}              (no reply)
 *     anything refused                          -> error {error}
 *   work endpoint (vouchd PUSH -> worker PULL)
 *     batch {ledger_id, batch_no, org_id, policy, profile, lines, contracts:[[no, fen]...]}
 *       + lines in the compact batch encoding below
 *   results endpoint (worker PUSH -> vouchd PULL)
 *     findings {ledger_id, batch_no, policy, worker, count} + JSON array of findings
 *
 * A receiver checks the version and the shape of every header and drops what
 * does not fit, with an error where there is someone to answer.
 *
 * Batch encoding (chosen by measurement, see tests/bench/bench_wire.c): "VBL2",
 * u32 line count, then per line the fixed-width fields of vouch_line_t in
 * little-endian and each text field as u32 length + bytes + NUL, so a decoded
 * line points into the message without copying. */
#ifndef VOUCH_WIRE_H
#define VOUCH_WIRE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <zmq.h>

#include "alloc.h"
#include "error.h"
#include "voucher.h"

/* 2: lines carry VOUCH_T_REVIEWER (batch magic VBL2). A batch is a fixed
 * list of text fields, so a new field is a new version: a worker of another
 * version refuses the message rather than misreading the lines. */
#define VOUCH_WIRE_VERSION 2
#define VOUCH_WIRE_MAX_HEADER 65536        /* bytes of JSON header */
#define VOUCH_WIRE_MAX_PAYLOAD (64u << 20) /* bytes of one payload frame */
#define VOUCH_WIRE_CHUNK (256u << 10)      /* upload chunk size */
/* the largest frame vouchd's control endpoint takes: a header or a chunk */
#define VOUCH_WIRE_MAX_CONTROL (VOUCH_WIRE_CHUNK + VOUCH_WIRE_MAX_HEADER)
#define VOUCH_WIRE_MAX_ID 255

typedef struct {
    unsigned char id[VOUCH_WIRE_MAX_ID]; /* routing id (ROUTER sockets), else id_len 0 */
    size_t id_len;
    json_t *header;    /* new reference; NULL after close */
    const char *type;  /* borrowed from header */
    zmq_msg_t payload; /* empty when the message had none */
    bool has_payload;
    char user[64]; /* the key's name vouchd's ZAP handler gave the sender (CURVE), else "" */
} vouch_wire_msg_t;

/* Receive one whole message (all frames, even when it is refused, so the socket
 * stays in step). router: the socket is a ROUTER, so frame 1 is the routing id.
 * flags: 0 or ZMQ_DONTWAIT. Returns 0; -1 with errno EAGAIN/EINTR/ETERM when
 * nothing was received; -2 when something arrived and was refused (err says why,
 * and msg->id holds the sender when known, to answer it). */
int vouch_wire_recv(void *socket, bool router, int flags, vouch_wire_msg_t *msg,
                    vouch_error_t *err);
void vouch_wire_msg_close(vouch_wire_msg_t *msg);

/* Send header (borrowed; "v" is added) and an optional payload, to id when the
 * socket is a ROUTER. flags: 0 or ZMQ_DONTWAIT. Returns 0 or -1 (errno). */
int vouch_wire_send(void *socket, const void *id, size_t id_len, json_t *header,
                    const void *payload, size_t len, int flags);

/* Convenience: a new header {"type": type}. New reference. */
json_t *vouch_wire_header(const char *type);

/* Reply {"type":"error","error":text} to id. */
int vouch_wire_send_error(void *socket, const void *id, size_t id_len, const char *text);

/* true when s is a short name a peer may give (a type, a worker's id, a
 * policy version): 1 to max bytes, none of them a control character */
bool vouch_wire_name_ok(const char *s, size_t max);

/* The endpoint a client (a worker, vouchctl) dials for one of vouch.conf's,
 * which say where vouchd binds: a wildcard host ("*" or 0.0.0.0, as in
 * tcp://0.0.0.0:5555) is this host's loopback (tcp://127.0.0.1:5555), so the
 * vouch.conf of a vouchd bound on every interface serves the clients on its
 * host too; any other endpoint as it is. CURVE is still decided by the
 * endpoint as written, as vouchd decides it. A new string. */
char *vouch_wire_dial_endpoint(const char *endpoint);

/* Header field helpers: -1 when absent or of another type. */
int vouch_wire_get_int(const json_t *header, const char *key, long long *out);
const char *vouch_wire_get_str(const json_t *header, const char *key);

/* Batch encoding. */
void vouch_wire_lines_encode(vouch_buf_t *out, const vouch_line_t *lines, size_t n);
/* Decode into a new array of n lines whose text points into data (which must
 * outlive them). Returns 0 or -1 with err when the bytes are not a batch. */
int vouch_wire_lines_decode(const void *data, size_t len, vouch_line_t **lines, size_t *n,
                            vouch_error_t *err);

/* Set the options every vouch socket wants: linger, and a bound on message size. */
void vouch_wire_socket_defaults(void *socket);

#endif
