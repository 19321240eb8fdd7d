#!/usr/bin/env bash
# Supervisors' digests: subscriptions of units, made by vouchd's scheduler or
# by `digest send`, each finding in exactly one digest per subscription,
# delivered at least once (a receiver failing twice gets it on the third
# attempt, with the same id every time), by webhook, to a folder and by mail
# (a loopback HTTP receiver and SMTP sink started here), bank accounts masked
# in every payload.
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
here=$(dirname "$0")
sink() { # NAME SCRIPT ARGS...: start a sink, wait for its port
    local name=$1 script=$2
    shift 2
    mkdir -p "$state/$name"
    $py "$here/$script" --port-file "$state/$name.port" --dir "$state/$name" "$@" \
        >"$state/$name.log" 2>&1 &
    on_exit "kill $!"
    for _ in $(seq 100); do [ -s "$state/$name.port" ] && break; sleep 0.1; done
    [ -s "$state/$name.port" ] || fail "$name did not start: $(cat "$state/$name.log")"
}
# not in $(...): on_exit in a subshell is forgotten, and the sink outlives the test
sink flaky http_sink.py --fail 2
sink steady http_sink.py
sink smtp smtp_sink.py
flaky=$(cat "$state/flaky.port")
steady=$(cat "$state/steady.port")
smtp=$(cat "$state/smtp.port")

mkdir -p "$state"
cat >"$state/vouch.conf" <<CONF
digest_poll = 1
digest_retry_min = 1
digest_retry_max = 2
smtp_url = smtp://127.0.0.1:$smtp
mail_from = vouch@audit.example
CONF
stack_up --workers 1
yz=永州市人力资源和社会保障局
cx=测试交叉局
ctl ingest --wait "$fixtures/review/v1.csv" "$fixtures/cross/cross-2022-01.csv" >/dev/null
ids_of() { ctl flags --org "$1" --format json | jq -r '[.[].finding_id] | sort | join(",")'; }
yz_ids=$(ids_of "$yz")
cx_ids=$(ids_of "$cx")
[ -n "$yz_ids" ] && [ -n "$cx_ids" ] || fail "fixtures: findings in both units expected"

# the scheduler: due now, sent to a receiver that fails twice
ctl subscription add yz --org "$yz" --every 24 --webhook "http://127.0.0.1:$flaky/hook" \
    --webhook-format json --when-empty brief >/dev/null
ctl subscription add cx --org "$cx" --dir "$state/outbox" >/dev/null
mkdir -p "$state/outbox"
for _ in $(seq 150); do
    [ "$(ctl digest list --subscription yz --format json | jq -r '.[0].state // ""')" = delivered ] && break
    sleep 0.2
done
expect_eq "delivered on the third attempt" "delivered 3" \
    "$(ctl digest list --subscription yz --format json | jq -r '.[0] | "\(.state) \(.attempts)"')"
expect_eq "the receiver saw three attempts" "500 500 200" \
    "$(jq -rs 'map(.status) | join(" ")' "$state"/flaky/*.json)"
first=$(ctl digest list --subscription yz --format json | jq -r '.[0].digest_id')
expect_eq "the same id on every attempt, header and body" "$first $first $first|$first $first $first" \
    "$(jq -rs '[.[].headers["x-vouch-digest-id"]] | join(" ")' "$state"/flaky/*.json)|$(jq -rs '[.[].body | fromjson | .digest_id] | join(" ")' "$state"/flaky/*.json)"
last=$(ls "$state"/flaky/*.json | tail -1)
expect_eq "the first digest names exactly the findings present" "$yz_ids" \
    "$(jq -r '.body | fromjson | .findings | sort | join(",")' "$last")"
ok "the scheduler made the digest; delivery was retried until it got through"

# the other subscription: its unit only, in its folder
for _ in $(seq 100); do ls "$state"/outbox/*.json >/dev/null 2>&1 && break; sleep 0.2; done
expect_eq "the folder digest names its unit's findings only" "$cx_ids" \
    "$(jq -r '.findings | sort | join(",")' "$state"/outbox/*.json)"
[ -s "$(ls "$state"/outbox/*.md)" ] && [ -s "$(ls "$state"/outbox/*.html)" ] || fail "outbox: markdown and html"
expect_eq "units apart" "$yz|$cx" \
    "$(jq -r '.body | fromjson | .units | join(",")' "$last")|$(jq -r '.units | join(",")' "$state"/outbox/*.json)"
ok "two subscriptions of different units see only their unit"

# the second digest: none of them
out=$(ctl digest send --subscription yz)
second=$(ctl digest list --subscription yz --format json | jq -r '.[1].digest_id')
expect_eq "digest send" "$second for yz: delivered (attempt 1)" "$out"
last=$(ls "$state"/flaky/*.json | tail -1)
expect_eq "the second digest names none of them" "[]" "$(jq -c '.body | fromjson | .findings' "$last")"
jq -r '.body | fromjson | .new.findings' "$last" | grep -qx 0 || fail "second: new.findings"
ok "a finding enters one digest of a subscription"

# what is new later comes in the next one, and only that
ctl ingest --wait "$fixtures/review/next-2023-01.csv" >/dev/null
new_ids=$(ctl flags --org "$yz" --from 2023-01-01 --format json | jq -r '[.[].finding_id] | sort | join(",")')
ctl digest send --subscription yz >/dev/null
last=$(ls "$state"/flaky/*.json | tail -1)
expect_eq "the third digest: the new ledger's findings" "$new_ids" \
    "$(jq -r '.body | fromjson | .findings | sort | join(",")' "$last")"
expect_eq "every finding in exactly one digest" "$(ids_of "$yz" | tr ',' '\n' | wc -l) 0" \
    "$(sql "SELECT count(*), count(*) - count(DISTINCT finding_id) FROM digest_findings d JOIN subscriptions s USING (subscription_id) WHERE s.name = 'yz'" | tr '|' ' ')"

# by mail: HTML and text, the digest id as Message-ID
ctl subscription add boss --org "$yz" --mail boss@audit.example >/dev/null
ctl digest send --subscription boss >/dev/null || true
for _ in $(seq 50); do ls "$state"/smtp/*.eml >/dev/null 2>&1 && break; sleep 0.2; done
mailid=$(ctl digest list --subscription boss --format json | jq -r '.[0].digest_id')
$py - "$(ls "$state"/smtp/*.eml | head -1)" "$mailid" <<'PY' || fail "the mail"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
assert m['Message-ID'] == '<%s@vouch>' % sys.argv[2], m['Message-ID']
assert 'vouch' in str(m['Subject']), m['Subject']
html = m.get_body(('html',)).get_content()
text = m.get_body(('plain',)).get_content()
assert '新发现' in html and '新发现' in text, 'sections'
assert sys.argv[2] in text
PY
ok "a digest by mail: text and HTML, its id as Message-ID"

# no full bank account anywhere: 6217369593615492997 and its like
for f in "$state"/flaky/*.json "$state"/outbox/*; do
    if grep -qE '[0-9]{10,}' <(jq -r '.body // .' "$f" 2>/dev/null || cat "$f"); then
        fail "an account unmasked in $f: $(grep -oE '[0-9]{10,}' "$f" | head -1)"
    fi
done
$py - "$state"/smtp/*.eml <<'PY' || fail "an account unmasked in a mail"
import email, email.policy, re, sys
for p in sys.argv[1:]:
    m = email.message_from_bytes(open(p, 'rb').read(), policy=email.policy.default)
    for part in m.walk():
        if part.get_content_maintype() == 'text':
            assert not re.search(r'\d{10,}', part.get_content()), p
PY
first_body=$(jq -r '.body' "$(ls "$state"/flaky/*.json | head -1)")
expect_eq "the largest item's account shows its last four only" "****8240" \
    "$(jq -r '[.top[] | select(.voucher == "记-29") | .payee_account] | unique | join(" ")' <<<"$first_body")"
ok "bank accounts are masked in every payload"
