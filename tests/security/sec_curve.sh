#!/usr/bin/env bash
# CURVE on vouchd's endpoints (tcp://127.0.0.2, curve = on; the auto rule is
# test_curve's): stack.sh makes the keys; the worker whose key is allowed gets
# every batch, while a worker with a key of its own, one without CURVE and one
# holding another server's public key get nothing, and neither does vouchctl
# with an unknown key; vouchd's log names the refused key once, not at every
# try; a missing key or a secret key others may read stops a binary at start
# with the file named; a .pub copied into the allowed folder lets its client
# in without a restart.
. "$(dirname "$0")/lib_security.sh"

tcp_conf on >"$state/vouch.conf"
out=$(stack_up --workers 1)
echo "$out"
for f in server.key server.pub client.key allowed/client.pub; do
    grep -qF "stack: made $state/keys/$f" <<<"$out" || fail "stack.sh up made keys/$f"
done
ok "stack.sh up made the server's and the client's keys, the client allowed"
expect_eq "server.key is 0600" 600 "$(stat -c %a "$state/keys/server.key")"
expect_eq "client.key is 0600" 600 "$(stat -c %a "$state/keys/client.key")"
expect_eq "server.pub is 0644" 644 "$(stat -c %a "$state/keys/server.pub")"
grep -q "CURVE on control, work, results (curve = on); 1 client key(s) allowed" "$state/log/vouchd.log" ||
    fail "vouchd says where CURVE is on"
ok "vouchd: CURVE on control, work and results"
expect_eq "a second up makes no key" "" "$(stack_up --workers 1 | grep 'stack: made' || true)"

# strangers, each in a home of its own naming vouchd's endpoints
"$VOUCH_BIN/vouchctl" keygen rogue --dir "$state/rogue/keys" >/dev/null
stranger rogue on "curve_server_public = $state/keys/server.pub" "curve_client_key = $state/rogue/keys/rogue.key"
stranger plain off
"$VOUCH_BIN/vouchctl" keygen other-server --dir "$state/impostor/keys" >/dev/null
stranger impostor on "curve_server_public = $state/impostor/keys/other-server.pub" \
    "curve_client_key = $state/keys/client.key"
rogue_pub=$(cat "$state/rogue/keys/rogue.pub")
start_worker "$state/rogue" rogue-key
start_worker "$state/plain" rogue-plain
start_worker "$state/impostor" rogue-impostor
sleep 3 # they knock, again and again

out=$(ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv")
expect_eq "ingest over CURVE" accepted "$(echo "$out" | jq -r .status)"
expect_eq "all 21 findings" 21 "$(echo "$out" | jq -r .findings)"
expect_eq "every batch done by the allowed worker" "worker-1" "$(sql "SELECT string_agg(DISTINCT worker, ',') FROM batches")"
expect_eq "status lists the allowed worker alone" '["worker-1"]' "$(ctl status --format json | jq -c '[.workers.list[].id]')"
grep -q "worker worker-1 connected (CURVE key client)" "$state/log/vouchd.log" ||
    fail "vouchd names the key a worker connected with"
ok "vouchd names the key a worker connected with"

for w in rogue-key rogue-plain rogue-impostor; do
    log=$state/log/$w.log
    grep -q "worker $w ready" "$log" || fail "$w started"
    expect_eq "$w never got a batch or a policy" 0 "$(grep -cE 'loaded policy|batch [0-9]|vouchd answers' "$log" || true)"
    [ "$(wc -l <"$log")" -lt 30 ] || fail "$w logged $(wc -l <"$log") lines: a flood"
done
grep -q "vouchd refused this worker's key (curve_client_key $state/rogue/keys/rogue.key)" "$state/log/rogue-key.log" ||
    fail "the worker with an unknown key says vouchd refused it"
grep -q "is curve the same on both sides" "$state/log/rogue-plain.log" || fail "the worker without CURVE says why"
ok "the strangers' workers say why they get nothing, a few lines each"

refused=$(lines_of "$state/log/vouchd.log" "refused a client with unknown key $rogue_pub from ")
[ "$refused" -ge 1 ] && [ "$refused" -le 2 ] || fail "vouchd named the refused key $refused times (once a minute)"
ok "vouchd named the refused key, once a minute for all the worker's tries"
# a peer without CURVE: whichever side sees the mismatch first closes
grep -qE "disagree on CURVE|closed in the handshake" "$state/log/vouchd.log" || fail "vouchd logs a peer without CURVE"
[ "$(wc -l <"$state/log/vouchd.log")" -lt 100 ] || fail "vouchd logged $(wc -l <"$state/log/vouchd.log") lines"
ok "vouchd's log stays short"

# vouchctl: an unknown key is refused (exit 1), a missing one names setting and file
set +e
err=$("$VOUCH_BIN/vouchctl" --home "$state/rogue" status 2>&1); rc=$?
set -e
expect_eq "vouchctl with an unknown key exits 1" 1 $rc
grep -q "vouchd refused this client's key (curve_client_key $state/rogue/keys/rogue.key)" <<<"$err" ||
    fail "vouchctl says its key was refused: $err"
stranger nokey on "curve_client_key = $state/nokey/keys/client.key" "curve_server_public = $state/keys/server.pub"
set +e
err=$("$VOUCH_BIN/vouchctl" --home "$state/nokey" status 2>&1); rc=$?
set -e
expect_eq "vouchctl without its key exits 1" 1 $rc
grep -q "curve_client_key: cannot open $state/nokey/keys/client.key" <<<"$err" || fail "vouchctl names setting and file: $err"
set +e
err=$(timeout 10 "$VOUCH_BIN/vouch-worker" --home "$state/nokey" --id nokey 2>&1); rc=$?
set -e
expect_eq "a worker without its key does not start" 1 $rc
grep -q "curve_client_key: cannot open $state/nokey/keys/client.key" <<<"$err" || fail "the worker names setting and file: $err"

# a secret key others may read: refused at start, the file named
mkdir -p "$state/nokey/keys"
cp "$state/keys/client.key" "$state/nokey/keys/client.key"
chmod 644 "$state/nokey/keys/client.key"
set +e
err=$(timeout 10 "$VOUCH_BIN/vouch-worker" --home "$state/nokey" --id nokey 2>&1); rc=$?
set -e
expect_eq "a worker with a 0644 secret key does not start" 1 $rc
grep -q "$state/nokey/keys/client.key holds a secret key that group or others may read or change (mode 0644)" <<<"$err" ||
    fail "the worker names the open key file: $err"
stranger openserver on "control_endpoint = tcp://$host:1" "work_endpoint = tcp://$host:2" "results_endpoint = tcp://$host:3"
mkdir -p "$state/openserver/keys"
cp "$state/keys/server.key" "$state/openserver/keys/server.key"
chmod 640 "$state/openserver/keys/server.key"
set +e
err=$(timeout 10 "$VOUCH_BIN/vouchd" --home "$state/openserver" 2>&1); rc=$?
set -e
expect_eq "vouchd with a 0640 server key does not start" 1 $rc
grep -q "curve_server_key: $state/openserver/keys/server.key holds a secret key that group or others may read" <<<"$err" ||
    fail "vouchd names the open key file: $err"
ok "missing and open keys stop vouchctl, the worker and vouchd, naming the file"

# allowed later: the .pub copied in, the stranger's worker is let in when it
# dials again (every 10 s after a refusal)
cp "$state/rogue/keys/rogue.pub" "$state/keys/allowed/rogue.pub"
for _ in $(seq 1 250); do
    ctl status --format json | jq -e '[.workers.list[].id] | index("rogue-key")' >/dev/null && break
    sleep 0.1
done
ctl status --format json | jq -e '[.workers.list[].id] | index("rogue-key")' >/dev/null ||
    fail "a .pub copied into curve_allow_dir lets its worker in"
ok "a .pub copied into curve_allow_dir lets its worker in, without a restart"
expect_eq "vouchctl with that key now answers" running "$("$VOUCH_BIN/vouchctl" --home "$state/rogue" status --format json | jq -r .vouchd)"
