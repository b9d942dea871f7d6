#!/usr/bin/env bash
# Hostile inputs and hostile clients (issue 23): builds each input, runs the release binary
# on it with a time bound, and checks the outcome. Loopback only: every server binds
# 127.0.0.1. Prints one line per row (PASS/FAIL/OPEN) and exits 1 if any row failed.
#
# usage: scripts/hostile.sh [BINARY]   (default target/release/corroborate; build it first)
# The unreadable-folder row runs as `nobody` (setpriv) when run as root, since root reads
# a chmod 000 folder anyway.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/target/release/corroborate}")
EXAMPLES="$ROOT/examples/syria-2025-11"
W=$(mktemp -d /tmp/corroborate-hostile.XXXXXX)
chmod 755 "$W"
FAILED=0
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    chmod -R u+rwx "$W" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT

row() { # row NAME OK(0/1) DETAIL
    if [ "$2" = 0 ]; then echo "PASS  $1  ($3)"; else echo "FAIL  $1  ($3)"; FAILED=1; fi
}
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$(now) - $1:.2f} s')"; }

# --- walks -------------------------------------------------------------------------------
d="$W/locked"; mkdir -p "$d/a_locked" "$d/b_open"; cp "$EXAMPLES"/*.txt "$d/b_open"; chmod 000 "$d/a_locked"
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
t=$(now); "${as_user[@]}" timeout 60 "$BIN" analyze -q --format json "$d" >"$W/out.json" 2>"$W/err"; rc=$?
n=$(python3 -c "import json;print(len(json.load(open('$W/out.json'))['articles']))" 2>/dev/null || echo 0)
row "unreadable sub-folder reported, rest read" $([ $rc = 1 ] && [ "$n" = 5 ] && grep -q a_locked "$W/err"; echo $?) "exit $rc, $n articles, $(secs $t)"

d="$W/links/d"; mkdir -p "$d/x"; cp "$EXAMPLES"/*.txt "$d/x"; ln -s .. "$d/x/up"; ln -s ../.. "$d/x/up2"; ln -s ../x "$d/x/again"
t=$(now); timeout 60 "$BIN" analyze -q --format json "$d" >"$W/out.json" 2>"$W/err"; rc=$?
n=$(python3 -c "import json;print(len(json.load(open('$W/out.json'))['articles']))" 2>/dev/null || echo 0)
row "symlinks to ancestors walked once" $([ $rc = 0 ] && [ "$n" = 5 ]; echo $?) "exit $rc, $n articles, $(secs $t)"

d="$W/fifo"; mkdir -p "$d"; cp "$EXAMPLES"/000*.txt "$d"; mkfifo "$d/b.txt"
t=$(now); timeout 20 "$BIN" analyze -q --format json "$d" >/dev/null 2>"$W/err"; rc=$?
row "FIFO in a folder skipped" $([ $rc = 0 ]; echo $?) "exit $rc, $(secs $t)"
t=$(now); timeout 20 "$BIN" analyze -q "$d/b.txt" >/dev/null 2>"$W/err"; rc=$?
row "FIFO named on the command line refused" $([ $rc = 2 ] && grep -q "not a regular file" "$W/err"; echo $?) "exit $rc, $(secs $t)"

# --- documents ---------------------------------------------------------------------------
head -c 1000000 /dev/urandom >"$W/noise.txt"
t=$(now); timeout 20 "$BIN" analyze -q "$W/noise.txt" >/dev/null 2>"$W/err"; rc=$?
row "binary garbage rejected" $([ $rc = 2 ] && grep -q "binary data" "$W/err"; echo $?) "exit $rc, $(secs $t)"

for s in d1 d2 d3; do mkdir -p "$W/same/$s"; cp "$EXAMPLES"/000*.txt "$W/same/$s/x.txt"; done
timeout 60 "$BIN" analyze -q --format json "$W/same/d1" "$W/same/d2" "$W/same/d3" >"$W/out.json" 2>/dev/null
ok=$(python3 - "$W/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = [a['id'] for a in d['articles']]
selfcopy = [c for c in d['copies'] if c['article'] == c['of']]
print(0 if len(ids) == 3 and len(set(ids)) == 3 and not selfcopy else 1, ids)
PY
)
row "same file in d1/d2/d3: three ids, no copy of itself" "${ok%% *}" "ids ${ok#* }"

mkdir -p "$W/tar"
python3 - "$W/tar" <<'PY'
import gzip, sys, os
page = b"<html><body><article>" + b"<p>Syria joined the coalition against the Islamic State group on Monday, officials said.</p>" * 3_000_000 + b"</article></body></html>"
with gzip.open(os.path.join(sys.argv[1], "zz-big.html.gz"), "wb", compresslevel=1) as f:
    f.write(page)
open(os.path.join(sys.argv[1], "a.html"), "w").write("<html><body><article><p>" + "Syria joined the coalition against the Islamic State group on Monday, officials in Washington said. " * 5 + "</p></article></body></html>")
PY
(cd "$W/tar" && tar cf "$W/pages.tar" a.html zz-big.html.gz)
t=$(now); timeout 60 "$BIN" analyze -q "$W/pages.tar" >/dev/null 2>"$W/err"; rc=$?
row ".gz member of a tar over the limit reported" $([ $rc = 1 ] && grep -q "zz-big.html.gz: file is .* over the limit" "$W/err"; echo $?) "exit $rc, $(secs $t)"

for tag in main ul ol; do
    python3 -c "import sys; n=100000; sys.stdout.write('<html><body>' + '<$tag>'*n + '<p>Syria joined the coalition on Monday, officials said in Washington.</p>' + '</$tag>'*n + '</body></html>')" >"$W/deep-$tag.html"
    t=$(now); timeout 30 "$BIN" analyze -q "$W/deep-$tag.html" >/dev/null 2>"$W/err"; rc=$?
    row "HTML <$tag> 100,000 deep refused quickly" $([ $rc = 2 ] && grep -q "nested" "$W/err"; echo $?) "exit $rc, $(secs $t)"
done

# one sentence with no break: the example corpus without sentence ends, 1 MB
python3 - "$EXAMPLES" "$W/sentence.txt" <<'PY'
import glob, re, sys
t = re.sub(r"[.!?\u2026\n]", " ", " ".join(open(f).read() for f in sorted(glob.glob(sys.argv[1] + "/*.txt"))))
open(sys.argv[2], "w").write("Headline here\n\n" + (t * (1_000_000 // len(t) + 1))[:1_000_000])
PY
t0=$(date +%s); t=$(now); timeout 120 "$BIN" analyze -q "$W/sentence.txt" >/dev/null 2>&1; rc=$?
row "one 1 MB sentence with no break in under 10 s" $([ $rc = 0 ] && [ $(( $(date +%s) - t0 )) -lt 10 ]; echo $?) "exit $rc, $(secs $t)"

# --- the store ---------------------------------------------------------------------------
: >"$W/empty.db"
timeout 20 "$BIN" ingest -q --db "$W/empty.db" "$EXAMPLES" >/dev/null 2>"$W/err"; rc=$?
row "0-byte database refused, not re-initialised" $([ $rc != 0 ] && [ ! -s "$W/empty.db" ] && grep -q "0-byte" "$W/err"; echo $?) "exit $rc"

DB="$W/news.db"
timeout 120 "$BIN" ingest -q --db "$DB" "$EXAMPLES" >/dev/null 2>&1

# --- the server --------------------------------------------------------------------------
start() { # start NAME ARGS...: serves on 127.0.0.1:0, sets ADDR and PID
    local name=$1; shift
    "$BIN" serve --addr 127.0.0.1:0 "$@" 2>"$W/$name.err" &
    PID=$!; PIDS+=("$PID")
    for _ in $(seq 100); do
        ADDR=$(grep -o 'http://127.0.0.1:[0-9]*' "$W/$name.err" 2>/dev/null | head -1 | sed 's#http://##')
        [ -n "$ADDR" ] && return 0
        sleep 0.1
    done
    echo "server $name did not start"; cat "$W/$name.err"; exit 1
}
code() { python3 -c "import json,sys; d=json.load(open('$1')); print(d['code'] if set(d)=={'message','code'} else 'not-an-error-body')" 2>/dev/null || echo not-json; }

start plain --db "$DB"
B="http://$ADDR"
st=$(curl -s -o "$W/b" -w '%{http_code}' -H 'Content-Type: text/plain' -H 'Origin: https://evil.example' --data '{"id":"x","text":"Injected text about Syria on Monday."}' "$B/api/articles")
row "cross-origin simple POST refused" $([ "$st" = 403 ] && [ "$(code "$W/b")" = forbidden ]; echo $?) "$st $(code "$W/b")"
st=$(curl -s -o "$W/b" -w '%{http_code}' -H 'Host: rebind.example' "$B/api/health")
row "foreign Host refused (DNS rebinding)" $([ "$st" = 403 ]; echo $?) "$st $(code "$W/b")"
st=$(curl -s -o "$W/b" -w '%{http_code}' -X OPTIONS -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: POST' -D "$W/h" "$B/api/articles")
row "no CORS headers" $(! grep -qi '^access-control' "$W/h"; echo $?) "OPTIONS $st"
q=$(python3 -c "print('+'.join(['syria']*10000))")
t=$(now); st=$(curl -s -o "$W/b" -w '%{http_code}' --max-time 10 "$B/api/stories?q=$q")
row "10,000-word query refused at once" $([ "$st" = 400 ] && [ "$(code "$W/b")" = bad_query ]; echo $?) "$st $(code "$W/b"), $(secs $t)"
st=$(curl -s -o "$W/b" -w '%{http_code}' "$B/api/stories/%FF%FE")
row "bad percent-encoding is {message,code}" $([ "$st" = 400 ] && [ "$(code "$W/b")" != not-json ] && [ "$(code "$W/b")" != not-an-error-body ]; echo $?) "$st $(code "$W/b")"
curl -s -o /dev/null -D "$W/h" "$B/"
story=$(curl -s "$B/api/stories" | python3 -c "import json,sys; print(json.load(sys.stdin)['stories'][0]['id'])")
curl -s -o /dev/null -D "$W/h2" "$B/api/stories/$story/export/html"
ok=1; grep -qi '^x-content-type-options: nosniff' "$W/h" && grep -qi '^content-security-policy:' "$W/h" && grep -qi '^x-content-type-options: nosniff' "$W/h2" && grep -qi '^content-security-policy:' "$W/h2" && ok=0
row "nosniff and CSP on pages and exports" $ok "/ and /api/stories/$story/export/html"
t=$(now); st=$(curl -s -o "$W/b" -w '%{http_code}' --max-time 10 -H 'Content-Length: 10000000000' -H 'Content-Type: application/json' --data-binary '{' "$B/api/articles")
row "10 GB Content-Length answered 413 at once" $([ "$st" = 413 ]; echo $?) "$st, $(secs $t)"
t=$(now)
python3 - "$ADDR" <<'PY'
import socket, sys, time
host, port = sys.argv[1].rsplit(':', 1)
s = socket.create_connection((host, int(port)))
s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
s.settimeout(30)
start = time.time()
try:
    while s.recv(4096): pass
except socket.timeout:
    sys.exit(1)
sys.exit(0 if time.time() - start < 20 else 1)
PY
rc=$?
row "partial headers timed out" $rc "closed after $(secs $t)"
# writes from loopback without a token still work
st=$(curl -s -o "$W/b" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"id":"local-1","text":"Syria joined the coalition against the Islamic State group on Monday."}' "$B/api/articles")
row "loopback write without Origin accepted" $([ "$st" = 201 ]; echo $?) "$st"
# shutdown within 5 s with a connection held mid-request
python3 -c "
import socket,time,sys
h,p='$ADDR'.rsplit(':',1); s=socket.create_connection((h,int(p))); s.sendall(b'POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{'); time.sleep(20)" &
HOLD=$!; PIDS+=("$HOLD"); sleep 0.5
t=$(now); kill -TERM "$PID"; for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
alive=$(kill -0 "$PID" 2>/dev/null && echo yes || echo no)
row "SIGTERM stops the server within 5 s" $([ "$alive" = no ]; echo $?) "$(secs $t)"
kill "$HOLD" 2>/dev/null

# a token: every write needs it
printf 's3cret-%s\n' "$RANDOM$RANDOM" >"$W/token"; TOKEN=$(tr -d '\n' <"$W/token")
start token --db "$DB" --token-file "$W/token"
B="http://$ADDR"
st1=$(curl -s -o "$W/b" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"id":"t-1","text":"Syria joined the coalition on Monday, officials said."}' "$B/api/articles")
st2=$(curl -s -o "$W/b" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data '{"id":"t-1","text":"Syria joined the coalition on Monday, officials said."}' "$B/api/articles")
row "with --token-file writes need the token" $([ "$st1" = 401 ] && [ "$st2" = 201 ]; echo $?) "without $st1, with $st2"
kill "$PID"

# requests hyper refuses before any route: JSON error bodies too
start hyper --db "$DB"
python3 - "$ADDR" >"$W/hyper" <<'PY'
import json, socket, sys
host, port = sys.argv[1].rsplit(':', 1)
def ask(raw):
    s = socket.create_connection((host, int(port))); s.settimeout(10)
    try: s.sendall(raw)
    except OSError: pass
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b: break
            out += b
    except OSError: pass
    head, _, body = out.partition(b"\r\n\r\n")
    try: code = json.loads(body)["code"]
    except Exception: code = "not-json"
    return head.split(b" ")[1].decode() + ":" + code
print(ask(b"NOT HTTP AT ALL\r\n\r\n"),
      ask(b"GET /api/stories?q=" + b"a" * 70000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
      ask(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Filler: " + b"y" * 60 + b"\r\n" * 1 + (b"X-Filler: " + b"y" * 60 + b"\r\n") * 8000 + b"\r\n"))
PY
got=$(cat "$W/hyper")
row "hyper's own 400/414/431 are {message,code}" $([ "$got" = "400:bad_request 414:uri_too_long 431:headers_too_large" ]; echo $?) "$got"
kill "$PID"

# 520 concurrent POSTs: the write queue refuses the excess at once, reads go on, SIGTERM works
start flood --db "$DB"
python3 - "$ADDR" >"$W/flood" <<'PY'
import json, socket, sys, threading, time, urllib.request
host, port = sys.argv[1].rsplit(':', 1)
base = f"http://{host}:{port}"
statuses = []
def post(i):
    body = json.dumps({"id": f"flood-{i}", "text": f"Flood article {i} about Syria, said officials on Monday."}).encode()
    req = urllib.request.Request(base + "/api/articles", data=body, headers={"Content-Type": "application/json"})
    try: statuses.append(urllib.request.urlopen(req, timeout=120).status)
    except urllib.error.HTTPError as e: statuses.append(e.code)
    except Exception: statuses.append(0)
threads = [threading.Thread(target=post, args=(i,)) for i in range(520)]
for t in threads: t.start()
time.sleep(1)
t0 = time.time()
ok = urllib.request.urlopen(base + "/api/health", timeout=30).status == 200
health = time.time() - t0
for t in threads: t.join()
print(f"{int(ok)} {health:.2f} {statuses.count(503)} {sum(1 for s in statuses if s in (200, 201, 202))} {statuses.count(0)}")
PY
read -r hok hsecs busy written lost <"$W/flood"
row "520 concurrent POSTs: health answered, excess 503" $([ "$hok" = 1 ] && python3 -c "import sys; sys.exit(0 if $hsecs < 2 else 1)" && [ "$busy" -gt 400 ] && [ "$lost" = 0 ]; echo $?) "health in $hsecs s, $written written, $busy × 503, $lost unanswered"
t=$(now); kill -TERM "$PID"; for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
alive=$(kill -0 "$PID" 2>/dev/null && echo yes || echo no)
row "SIGTERM after the flood stops within 5 s" $([ "$alive" = no ]; echo $?) "$(secs $t)"

# 300 slow clients under `ulimit -n 256`: nobody is locked out past the header timeout
( ulimit -n 256; exec "$BIN" serve --addr 127.0.0.1:0 --db "$DB" ) 2>"$W/fd.err" &
PID=$!; PIDS+=("$PID")
for _ in $(seq 100); do ADDR=$(grep -o 'http://127.0.0.1:[0-9]*' "$W/fd.err" | head -1 | sed 's#http://##'); [ -n "$ADDR" ] && break; sleep 0.1; done
python3 - "$ADDR" >"$W/fd" <<'PY'
import socket, sys, time, urllib.request
host, port = sys.argv[1].rsplit(':', 1)
slow = []
for _ in range(300):
    s = socket.create_connection((host, int(port))); s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"); slow.append(s)
t0 = time.time()
try: ok = urllib.request.urlopen(f"http://{host}:{port}/api/health", timeout=40).status == 200
except Exception: ok = False
print(int(ok), f"{time.time() - t0:.1f}")
PY
read -r fok fsecs <"$W/fd"
row "300 slow clients under ulimit -n 256 lock nobody out" $([ "$fok" = 1 ] && python3 -c "import sys; sys.exit(0 if $fsecs < 15 else 1)"; echo $?) "health answered after $fsecs s"
kill "$PID"

# a read-only database (file and folder): exported, and served for reading
RO="$W/ro"; mkdir -p "$RO"; cp "$DB" "$RO/news.db"; chmod 555 "$RO"; chmod 444 "$RO/news.db"
"${as_user[@]}" timeout 30 "$BIN" export --db "$RO/news.db" --format markdown >"$W/ro.md" 2>"$W/err"; rc=$?
row "read-only database exported" $([ $rc = 0 ] && grep -q '^# Story' "$W/ro.md"; echo $?) "exit $rc"
"${as_user[@]}" "$BIN" serve --addr 127.0.0.1:0 --db "$RO/news.db" 2>"$W/ro.err" &
PID=$!; PIDS+=("$PID")
for _ in $(seq 100); do ADDR=$(grep -o 'http://127.0.0.1:[0-9]*' "$W/ro.err" | head -1 | sed 's#http://##'); [ -n "$ADDR" ] && break; sleep 0.1; done
st1=$(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/api/health")
st2=$(curl -s -o "$W/b" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"id":"ro-1","text":"Syria joined the coalition on Monday."}' "http://$ADDR/api/articles")
row "read-only database served, writes 403 read_only" $([ "$st1" = 200 ] && [ "$st2" = 403 ] && [ "$(code "$W/b")" = read_only ]; echo $?) "health $st1, POST $st2 $(code "$W/b")"
kill "$PID"; chmod 755 "$RO"

# a disk that fills after the commit: the dossier is pending, nothing stored is lost
FULL="$W/full.db"
bash -c "trap '' XFSZ; ulimit -f 320; exec \"\$0\" ingest -q --db $FULL $EXAMPLES" "$BIN" >"$W/out" 2>"$W/err"; rc=$?
stored=$(grep -c '^stored ' "$W/out")
row "full disk after the commit: ingest says dossier pending" $([ $rc = 2 ] && [ "$stored" = 5 ] && [ "$(tail -1 "$W/out")" = "dossier pending" ]; echo $?) "exit $rc, $stored stored, last line '$(tail -1 "$W/out")'"
again=$(timeout 60 "$BIN" ingest -q --db "$FULL" "$EXAMPLES" 2>/dev/null)
bash -c "trap '' XFSZ; ulimit -f 120; exec \"\$0\" serve --addr 127.0.0.1:0 --db $FULL" "$BIN" 2>"$W/full.err" &
PID=$!; PIDS+=("$PID")
for _ in $(seq 100); do ADDR=$(grep -o 'http://127.0.0.1:[0-9]*' "$W/full.err" | head -1 | sed 's#http://##'); [ -n "$ADDR" ] && break; sleep 0.1; done
python3 -c "
import json,glob; t=open(sorted(glob.glob('$EXAMPLES/*.txt'))[1]).read()
print(json.dumps({'id':'late','title':'Late','text':t+'\nA closing line of its own.'}))" >"$W/late.json"
st=$(curl -s -o "$W/b" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$W/late.json" "http://$ADDR/api/articles")
pending=$(python3 -c "import json; print('dossier_pending' in json.load(open('$W/b')))" 2>/dev/null)
row "full disk after the commit: POST answers 202 dossier_pending" $([ "$again" = "dossier 1" ] && [ "$st" = 202 ] && [ "$pending" = True ]; echo $?) "re-run '$again', POST $st, dossier_pending $pending"
kill "$PID"

# a damaged stored story: 500 data_corruption, not 200
sqlite3 "$DB" "UPDATE stories SET dossier = '{\"stories\": [' WHERE id = '$story';" 2>/dev/null
start corrupt --db "$DB"
st=$(curl -s -o "$W/b" -w '%{http_code}' "http://$ADDR/api/stories/$story")
row "damaged stored story is 500 data_corruption" $([ "$st" = 500 ] && [ "$(code "$W/b")" = data_corruption ]; echo $?) "$st $(code "$W/b")"
kill "$PID"

exit $FAILED
