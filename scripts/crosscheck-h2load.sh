#!/usr/bin/env bash
# Cross-checks the HTTP/2 never-indexed wire of the AuthBench load engine against Debian's h2load (nghttp2-client):
# bytes the client writes per request, for one user on one connection, on the jwt arm (Authorization: Bearer).
# Starts one API (Release build) with an h2c listener, logs one user in, runs h2load through a byte-counting
# loopback relay (h2load counts only what it receives), then runs the engine with --http 2-never-indexed
# --users 1 --users-per-connection 1 --connections 1 (it counts on its own socket), and compares the two.
# nghttp2 sends authorization as a never-indexed literal, and every other field indexed, as the engine does; it also
# sends a user-agent field (one byte once indexed), so the two agree within a few bytes per request.
#
#   scripts/crosscheck-h2load.sh [--requests 2000] [--duration 3s] [--tolerance 8]
# Exits 0 with "skip: ..." when h2load is missing; 1 when the difference exceeds --tolerance bytes per request.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=2000 duration=3s tolerance=8
while (($#)); do
    case "$1" in
        --requests) requests=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --tolerance) tolerance=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$requests" =~ ^[1-9][0-9]*$ && "$tolerance" =~ ^[0-9]+$ ]] || { echo "error: --requests and --tolerance must be whole numbers" >&2; exit 2; }
[[ "$duration" =~ ^[1-9][0-9]*s$ ]] || { echo "error: --duration must be whole seconds, e.g. 3s" >&2; exit 2; }
command -v h2load >/dev/null || { echo "skip: h2load is not installed (apt-get install -y nghttp2-client)"; exit 0; }
api=src/AuthBench.Api/bin/Release/net10.0/AuthBench.Api.dll
engine=loadtest/AuthBench.LoadTest/bin/Release/net10.0/AuthBench.LoadTest.dll
[[ -f "$api" && -f "$engine" ]] || { echo "error: build first: dotnet build -c Release loadtest/AuthBench.LoadTest" >&2; exit 2; }

echo "command: scripts/crosscheck-h2load.sh --requests $requests --duration $duration --tolerance $tolerance"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(h2load --version | head -1)"

work=$(mktemp -d /tmp/authbench-h2load.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

port=$(free_port) h2c=$(free_port) relay=$(free_port)
dotnet "$api" --scheme jwt --urls "http://127.0.0.1:$port" --h2c-port "$h2c" --users 1 >"$work/api.log" 2>&1 &
api_pid=$!; pids+=("$api_pid")
for _ in $(seq 300); do grep -q "AuthBench API ready" "$work/api.log" && break; kill -0 "$api_pid" 2>/dev/null || break; sleep 0.1; done
grep -q "AuthBench API ready" "$work/api.log" || { echo "error: the API did not start:" >&2; cat "$work/api.log" >&2; exit 1; }
token=$(curl -sS -X POST "http://127.0.0.1:$port/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"user1","password":"authbench-demo"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[[ -n "$token" ]] || { echo "error: login failed" >&2; exit 1; }

# A loopback relay that counts the bytes each side writes (h2load reports only the bytes it receives).
python3 - "$relay" "$h2c" "$work/relay.counts" <<'PY' &
import asyncio, sys
listen, target, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
counts = {"up": 0, "down": 0}
async def pipe(reader, writer, key):
    try:
        while data := await reader.read(65536):
            counts[key] += len(data)
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()
        with open(out, "w") as f:
            f.write(f"{counts['up']} {counts['down']}\n")
async def handle(client_reader, client_writer):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
    await asyncio.gather(pipe(client_reader, server_writer, "up"), pipe(server_reader, client_writer, "down"), return_exceptions=True)
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()
asyncio.run(main())
PY
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$relay") 2>/dev/null && break; sleep 0.1; done
h2load -n "$requests" -c 1 -m 1 -H "authorization: Bearer $token" "http://127.0.0.1:$relay/api/me" >"$work/h2load.out" 2>&1 \
    || { cat "$work/h2load.out" >&2; exit 1; }
grep -q "succeeded, 0 failed" "$work/h2load.out" || grep -E "^requests:" "$work/h2load.out" >&2
for _ in $(seq 50); do [[ -s "$work/relay.counts" ]] && break; sleep 0.1; done
read -r h2_up h2_down <"$work/relay.counts"
h2_ok=$(sed -n 's/.* \([0-9]*\) succeeded.*/\1/p' "$work/h2load.out" | head -1)
status2xx=$(sed -n 's/^status codes: \([0-9]*\) 2xx.*/\1/p' "$work/h2load.out")
kill "$api_pid" 2>/dev/null || true

# The engine: its own API (jwt), one user, one connection, the never-indexed wire; bytes counted on its socket.
dotnet "$engine" --arms jwt --http 2-never-indexed --users 1 --users-per-connection 1 --connections 1 --find-max \
    --duration "$duration" --warmup 1s --repeat 1 --api-cpus off --out "$work/run" >"$work/engine.out" 2>&1 \
    || { cat "$work/engine.out" >&2; exit 1; }
ours=$(python3 - "$work/run/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k.lower().replace("_", "") == "bytesperrequest" and isinstance(v, dict):
                yield v
            else:
                yield from find(v)
    elif isinstance(o, list):
        for v in o:
            yield from find(v)
sent = [v.get("sent", v.get("Sent")) for v in find(doc.get("trials", doc))]
print(f"{sent[-1]:.1f}")
PY
)
theirs=$(awk -v b="$h2_up" -v n="$requests" 'BEGIN { printf "%.1f", b / n }')
echo "h2load: $requests requests ($status2xx 2xx, $h2_ok succeeded), client wrote $h2_up B, read $h2_down B through the relay"
printf '%-28s %14s\n' "client" "bytes sent / request"
printf '%-28s %14s\n' "h2load (nghttp2)" "$theirs"
printf '%-28s %14s\n' "AuthBench 2-never-indexed" "$ours"
awk -v a="$ours" -v b="$theirs" -v t="$tolerance" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "difference: %.1f B/request (tolerance %d)\n", d, t; exit (d > t) }'
