#!/usr/bin/env bash
# it_deliver.sh: digests delivered for real (common/deliver.c through
# vouch-deliver-send) to a folder, to an HTTP sink as plain JSON, 企业微信 and
# 钉钉 robot messages, and to an SMTP sink; sinks that fail first, and a robot
# that answers 200 with an errcode. No vouch stack: only the sinks beside this file.
source "$(dirname "$0")/lib.sh"

# the sinks are on 127.0.0.1: no proxy from the environment between
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
py=/usr/bin/python3 # Debian's, with nothing but the standard library needed
here=$VOUCH_SOURCE/tests/integration
sink_pids=()
stop_sinks() {
    local p
    for p in "${sink_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${sink_pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
# the sinks go first, then lib.sh's cleanup with this script's exit status
trap 'rc=$?; stop_sinks; (exit $rc); cleanup' EXIT

# start_sink NAME SCRIPT [ARGS]: records land in $state/NAME; sets $port
start_sink() {
    local name=$1 script=$2
    shift 2
    mkdir -p "$state/$name" "$state/log"
    "$py" "$here/$script" --port-file "$state/$name.port" --dir "$state/$name" "$@" \
        2>"$state/log/$name.log" &
    sink_pids+=($!)
    for _ in $(seq 1 100); do
        [ -s "$state/$name.port" ] && break
        sleep 0.05
    done
    [ -s "$state/$name.port" ] || fail "$name did not start"
    port=$(cat "$state/$name.port")
}

send() { "$VOUCH_BIN/vouch-deliver-send" --timeout 10 "$@"; }

# the digest, in the three forms the digest writer gives
in=$state/in
mkdir -p "$in"
subject="永州市人力资源和社会保障局 本周新发现 2 条（vouch 摘要）"
cat >"$in/d.md" <<'EOF'
# 本周新发现 2 条

| 凭证 | 规则 | 金额(元) |
|---|---|---|
| 记-23 | MISCLASS_EXPENSE | 4,000.00 |
| 记-31 | PAYEE_PERSONAL | 12,500.00 |

> "引号" 与 \反斜杠\
EOF
cat >"$in/d.html" <<'EOF'
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>本周新发现</title></head>
<body><h1>本周新发现 2 条</h1><p>记-23 场地租赁列支招待费</p></body></html>
EOF
printf '{"digest_id":"vouch-digest-1","findings":[{"voucher":"记-23"},{"voucher":"记-31"}]}' >"$in/d.json"
for i in $(seq 1 300); do echo "- 第${i}条：记-${i} 场地租赁列支招待费 4,000.00 元"; done >"$in/long.md"

# --- a folder ---
mkdir -p "$state/out"
send --kind dir --target "$state/out" --id vouch-digest-1 \
    --markdown "$in/d.md" --html "$in/d.html" --json "$in/d.json" || fail "dir delivery"
for ext in md html json; do
    cmp -s "$in/d.$ext" "$state/out/vouch-digest-1.$ext" || fail "vouch-digest-1.$ext differs"
done
expect_eq "the files' mode" "640 640 640" "$(stat -c %a "$state"/out/vouch-digest-1.{md,html,json} | xargs)"
send --kind dir --target "$state/out" --id vouch-digest-1 \
    --markdown "$in/long.md" --html "$in/d.html" --json "$in/d.json" || fail "dir again"
cmp -s "$in/long.md" "$state/out/vouch-digest-1.md" || fail "a retry did not replace the file"
expect_eq "a retry replaces, leaving no temporary file" 3 "$(ls -A "$state/out" | wc -l)"

# --- webhooks: the bodies and the id as received ---
start_sink web http_sink.py
url="http://127.0.0.1:$port/cgi-bin/webhook/send?key=SECRET"
send --kind webhook --format json --target "$url" --id vouch-digest-1 --json "$in/d.json" ||
    fail "json webhook"
rec=$state/web/0001.json
expect_eq "json: the body as given" "$(cat "$in/d.json")" "$(jq -r .body "$rec")"
expect_eq "json: X-Vouch-Digest-Id" vouch-digest-1 "$(jq -r '.headers["x-vouch-digest-id"]' "$rec")"
expect_eq "json: Content-Type" "application/json; charset=utf-8" \
    "$(jq -r '.headers["content-type"]' "$rec")"
expect_eq "json: the URL's path and query" "/cgi-bin/webhook/send?key=SECRET" "$(jq -r .path "$rec")"

send --kind webhook --format wecom --target "$url" --id vouch-digest-2 --markdown "$in/d.md" ||
    fail "wecom webhook"
rec=$state/web/0002.json
expect_eq "wecom: msgtype" markdown "$(jq -r '.body | fromjson | .msgtype' "$rec")"
expect_eq "wecom: markdown.content" "$(cat "$in/d.md")" \
    "$(jq -r '.body | fromjson | .markdown.content' "$rec")"
expect_eq "wecom: X-Vouch-Digest-Id" vouch-digest-2 "$(jq -r '.headers["x-vouch-digest-id"]' "$rec")"

send --kind webhook --format wecom --target "$url" --id vouch-digest-3 --markdown "$in/long.md" ||
    fail "long wecom webhook"
rec=$state/web/0003.json
bytes=$(jq '.body | fromjson | .markdown.content | utf8bytelength' "$rec")
[ "$bytes" -le 4096 ] && [ "$bytes" -gt 3000 ] || fail "wecom: a long digest cut to $bytes bytes"
ok "wecom: a long digest cut to $bytes bytes (at most 4096)"
expect_eq "wecom: the cut ends with a note naming the digest" "> 内容过长，已截断；完整摘要见 vouch-digest-3" \
    "$(jq -j '.body | fromjson | .markdown.content' "$rec" | tail -n 1)"
last=$(jq -j '.body | fromjson | .markdown.content' "$rec" | tail -n 3 | head -n 1)
grep -qxF -- "$last" "$in/long.md" || fail "wecom: the cut's last line [$last] is not whole"
ok "wecom: the cut keeps whole lines"

send --kind webhook --format dingtalk --target "$url" --id vouch-digest-4 --subject "$subject" \
    --markdown "$in/d.md" || fail "dingtalk webhook"
rec=$state/web/0004.json
expect_eq "dingtalk: markdown.title" "$subject" "$(jq -r '.body | fromjson | .markdown.title' "$rec")"
expect_eq "dingtalk: markdown.text" "$(cat "$in/d.md")" \
    "$(jq -r '.body | fromjson | .markdown.text' "$rec")"

# --- a webhook failing twice: the status in the error, one id on all three ---
start_sink flaky http_sink.py --fail 2
url="http://127.0.0.1:$port/robot/send?access_token=SECRET"
for attempt in 1 2; do
    if send --kind webhook --format dingtalk --target "$url" --id vouch-digest-5 \
        --subject "$subject" --markdown "$in/d.md" 2>"$state/err"; then
        fail "attempt $attempt succeeded against a failing sink"
    fi
    grep -q "answered http 500: sink failing on purpose" "$state/err" ||
        fail "attempt $attempt: $(cat "$state/err")"
    ! grep -q SECRET "$state/err" || fail "the error shows the access token"
done
ok "two attempts fail, naming http 500 and the reply, not the token"
send --kind webhook --format dingtalk --target "$url" --id vouch-digest-5 --subject "$subject" \
    --markdown "$in/d.md" || fail "the third attempt"
expect_eq "three attempts received, answered" "500 500 200" \
    "$(jq -r .status "$state"/flaky/000{1,2,3}.json | xargs)"
expect_eq "all three carry the same id" "vouch-digest-5 vouch-digest-5 vouch-digest-5" \
    "$(jq -r '.headers["x-vouch-digest-id"]' "$state"/flaky/000{1,2,3}.json | xargs)"
expect_eq "all three the same body" 1 "$(jq -r .body "$state"/flaky/000{1,2,3}.json | sort -u | wc -l)"

# --- a robot that answers 200 with an errcode ---
start_sink robot http_sink.py --reply-json '{"errcode":93000,"errmsg":"invalid webhook url"}'
url="http://127.0.0.1:$port/cgi-bin/webhook/send?key=SECRET"
if send --kind webhook --format wecom --target "$url" --id vouch-digest-6 \
    --markdown "$in/d.md" 2>"$state/err"; then
    fail "a robot's errcode 93000 taken for success"
fi
grep -q "refused the message: errcode 93000: invalid webhook url" "$state/err" ||
    fail "errcode: $(cat "$state/err")"
ok "wecom: 200 with errcode 93000 is a failure naming it"
send --kind webhook --format json --target "$url" --id vouch-digest-6 --json "$in/d.json" ||
    fail "a plain JSON webhook reads no errcode"
ok "json: a 2xx is success whatever the reply"

# --- a refused target reads nothing ---
if send --kind webhook --target file:///etc/passwd --id vouch-digest-7 --json "$in/d.json" \
    2>"$state/err"; then
    fail "file:// accepted"
fi
grep -q "the scheme file is not allowed" "$state/err" || fail "file://: $(cat "$state/err")"
ok "file:///etc/passwd refused"

# --- mail ---
start_sink mail smtp_sink.py
smtp=smtp://127.0.0.1:$port
send --kind mail --target zhang.san@czj.example.cn --from vouch@audit.example.cn --smtp-url "$smtp" \
    --id vouch-digest-8 --subject "$subject" --markdown "$in/d.md" --html "$in/d.html" ||
    fail "mail"
eml=$state/mail/0001.eml
[ -f "$eml" ] || fail "no mail stored"
expect_eq "mail: envelope" "<vouch@audit.example.cn> to <zhang.san@czj.example.cn>" \
    "$(jq -r '"\(.from) to \(.to | join(","))"' "$state/mail/0001.envelope.json")"
# as a mail reader sees it
"$py" - "$eml" >"$state/mail.json" <<'EOF'
import email, email.policy, json, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
print(json.dumps({
    "subject": str(m["subject"]), "message_id": m["message-id"], "id": m["x-vouch-digest-id"],
    "from": m["from"], "to": m["to"], "date": m["date"], "type": m.get_content_type(),
    "plain": m.get_body(("plain",)).get_content(), "html": m.get_body(("html",)).get_content(),
}, ensure_ascii=False))
EOF
expect_eq "mail: Message-ID" "<vouch-digest-8@vouch>" "$(jq -r .message_id "$state/mail.json")"
expect_eq "mail: X-Vouch-Digest-Id" vouch-digest-8 "$(jq -r .id "$state/mail.json")"
expect_eq "mail: the subject decodes" "$subject" "$(jq -r .subject "$state/mail.json")"
expect_eq "mail: multipart/alternative" multipart/alternative "$(jq -r .type "$state/mail.json")"
expect_eq "mail: text/plain is the markdown" "$(cat "$in/d.md")" "$(jq -r .plain "$state/mail.json")"
expect_eq "mail: text/html is the html" "$(cat "$in/d.html")" "$(jq -r .html "$state/mail.json")"
[ -n "$(jq -r .date "$state/mail.json")" ] || fail "mail: no Date"

start_sink mailfail smtp_sink.py --fail 1
smtp=smtp://127.0.0.1:$port
mail_args=(--kind mail --target zhang.san@czj.example.cn --from vouch@audit.example.cn
    --smtp-url "$smtp" --id vouch-digest-9 --subject "$subject" --markdown "$in/d.md"
    --html "$in/d.html")
if send "${mail_args[@]}" 2>"$state/err"; then
    fail "mail accepted by a sink answering 451"
fi
grep -q "the server said: 451 4.3.0 smtp_sink failing on purpose" "$state/err" ||
    fail "451: $(cat "$state/err")"
ok "mail: a 451 is a failure naming the reply"
expect_eq "mail: nothing stored after the 451" 0 "$(ls "$state/mailfail" | wc -l)"
send "${mail_args[@]}" || fail "mail after the 451"
grep -q "^Message-ID: <vouch-digest-9@vouch>" "$state/mailfail/0001.eml" || fail "the retry's mail"
ok "mail: the retry is stored with the same Message-ID"
