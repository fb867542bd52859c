#!/usr/bin/env bash
# Cross-checks the AuthBench load engine against Debian's wrk on the same API, endpoint and credential pool.
# Starts one API (Release build) on a free loopback port (and a private redis-server for an arm that needs a store),
# logs N users in through POST /auth/login, then runs, alternately for --rounds rounds:
#   wrk -t2 -c<connections> -d<duration>   (with wrk-credentials.lua when the arm has credentials)
#   the engine in --find-max mode with the same connections and duration (--target: same process)
# and prints throughput, latency (both closed loop: service time) and client CPU per request side by side.
#
#   scripts/crosscheck-wrk.sh [--arm ARM (default: the baseline)] [--alg HS256] [--endpoint /health]
#                             [--connections 64] [--duration 10s] [--rounds 3] [--users 1000]
# The published runs are saved under results/crosscheck/ (output to a temporary file, then renamed).
set -euo pipefail
cd "$(dirname "$0")/.."

arm="" alg=HS256 endpoint=/health connections=64 duration=10s rounds=3 users=1000
while (($#)); do
    case "$1" in
        --arm) arm=$2; shift 2 ;;
        --alg) alg=$2; shift 2 ;;
        --endpoint) endpoint=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$connections" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ && "$users" =~ ^[1-9][0-9]*$ ]] || { echo "error: --connections, --rounds and --users must be positive whole numbers" >&2; exit 2; }
[[ "$duration" =~ ^[1-9][0-9]*s$ ]] || { echo "error: --duration must be whole seconds, e.g. 10s" >&2; exit 2; }
command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
api=src/AuthBench.Api/bin/Release/net10.0/AuthBench.Api.dll
engine=loadtest/AuthBench.LoadTest/bin/Release/net10.0/AuthBench.LoadTest.dll
report=report/AuthBench.Report/bin/Release/net10.0/AuthBench.Report.dll
[[ -f "$api" && -f "$engine" && -f "$report" ]] || { echo "error: build first: dotnet build -c Release" >&2; exit 2; }
# What the arm needs, from the catalogue: its transport, cookie, whether it needs a store, whether it runs per algorithm.
arm_info=$(dotnet "$report" --arm-info $arm) || exit 2
read -r arm transport cookie needs_store per_alg <<<"$arm_info"
read -r commit dirty < <(dotnet "$report" --provenance)

# What produced the figures below, so a saved copy of this output stands on its own.
echo "command: scripts/crosscheck-wrk.sh --arm $arm --alg $alg --endpoint $endpoint --connections $connections --duration $duration --rounds $rounds --users $users"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit: ${commit:0:7}$([[ $dirty == true ]] && echo ' (dirty)')"
echo "machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

work=$(mktemp -d /tmp/authbench-crosscheck.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

redis_args=()
if [[ $needs_store == true ]]; then
    if [[ -n "${AUTHBENCH_REDIS:-}" ]]; then
        redis_args=(--redis "$AUTHBENCH_REDIS")
    else
        command -v redis-server >/dev/null || { echo "error: the $arm arm needs redis-server or AUTHBENCH_REDIS" >&2; exit 2; }
        rport=$(free_port); rpass=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
        redis-server --port "$rport" --bind 127.0.0.1 --requirepass "$rpass" --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
        pids+=($!)
        for _ in $(seq 50); do grep -q "Ready to accept" "$work/redis.log" && break; sleep 0.1; done
        redis_args=(--redis "127.0.0.1:$rport,password=$rpass")
    fi
fi

port=$(free_port)
url="http://127.0.0.1:$port"
alg_args=(); [[ $per_alg == true ]] && alg_args=(--alg "$alg")
dotnet "$api" --scheme "$arm" --urls "$url" --users "$users" "${alg_args[@]}" "${redis_args[@]}" >"$work/api.log" 2>&1 &
api_pid=$!
pids+=("$api_pid")
for _ in $(seq 300); do grep -q "AuthBench API ready" "$work/api.log" && break; kill -0 "$api_pid" 2>/dev/null || break; sleep 0.1; done
grep -q "AuthBench API ready" "$work/api.log" || { echo "error: the API did not start:" >&2; cat "$work/api.log" >&2; exit 1; }
echo "API: $(grep 'AuthBench API ready' "$work/api.log")"

# The credential pool, through the real login endpoint.
creds="$work/credentials.txt"; : >"$creds"
if [[ $transport != none ]]; then
    for i in $(seq "$users"); do
        response=$(curl -sS -i -X POST "$url/auth/login" -H 'Content-Type: application/json' \
            -d "{\"username\":\"user$i\",\"password\":\"authbench-demo\"}")
        if [[ $transport == cookie ]]; then
            id=$(printf '%s' "$response" | tr -d '\r' | sed -n "s/^[Ss]et-[Cc]ookie: $cookie=\([^;]*\).*/\1/p")
            echo "Cookie: $cookie=$id" >>"$creds"
        else
            token=$(printf '%s' "$response" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
            echo "Authorization: Bearer $token" >>"$creds"
        fi
    done
    echo "logged in $users users through POST /auth/login"
fi

wrk_args=(-t2 -c"$connections" -d"$duration" --latency)
[[ $transport != none ]] && wrk_args+=(-s scripts/wrk-credentials.lua)
export AUTHBENCH_CREDENTIALS="$creds" AUTHBENCH_ENDPOINT="$endpoint"

to_us() { # wrk latency "1.23ms" / "456.00us" / "1.2s" → µs
    awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n*1000; else if (v ~ /s$/) print n*1000000; else print n }'
}

printf '\n%-7s %-5s %12s %10s %10s %22s\n' tool round "req/s" "p50 µs" "p99 µs" "client CPU µs/request"
declare -a wrk_rps eng_rps
engine_args=(--target "$url" --arms "$arm" --endpoint "$endpoint" --find-max --connections "$connections" --repeat 1 --users "$users")
[[ $per_alg == true ]] && engine_args+=(--alg "$alg")
# JIT and connection warm-up of the API, for both tools.
dotnet "$engine" "${engine_args[@]}" --duration 3s --warmup 0s --out "$work/engine-warm" >"$work/engine.out" 2>&1 || { cat "$work/engine.out" >&2; exit 1; }
for round in $(seq "$rounds"); do
    /usr/bin/time -f "%U %S" -o "$work/wrk.time" wrk "${wrk_args[@]}" "$url$endpoint" >"$work/wrk.out" 2>&1
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
    total=$(awk '/requests in/ {print $1}' "$work/wrk.out")
    p50=$(to_us "$(awk '$1=="50%" {print $2}' "$work/wrk.out")")
    p99=$(to_us "$(awk '$1=="99%" {print $2}' "$work/wrk.out")")
    cpu=$(awk -v n="$total" '{ printf "%.1f", ($1+$2)*1e6/n }' "$work/wrk.time")
    wrk_rps+=("$rps")
    printf '%-7s %-5s %12.0f %10.0f %10.0f %22s\n' wrk "$round" "$rps" "$p50" "$p99" "$cpu"

    dotnet "$engine" "${engine_args[@]}" --duration "$duration" --warmup 0s --out "$work/engine-$round" >"$work/engine.out" 2>&1 || { cat "$work/engine.out" >&2; exit 1; }
    read -r _ erps ep50 ep99 ecpu < <(dotnet "$report" --figures "$work/engine-$round" | head -1)
    eng_rps+=("$erps")
    printf '%-7s %-5s %12.0f %10.0f %10.0f %22s\n' engine "$round" "$erps" "$ep50" "$ep99" "$ecpu"
done

python3 - "${wrk_rps[*]}" "${eng_rps[*]}" <<'PY'
import statistics, sys
w = [float(x) for x in sys.argv[1].split()]
e = [float(x) for x in sys.argv[2].split()]
mw, me = statistics.median(w), statistics.median(e)
print(f"\nmedian throughput: wrk {mw:.0f} req/s, engine {me:.0f} req/s, engine/wrk = {me / mw:.3f}")
# Each engine round runs right after its wrk round, so the per-round ratio cancels slow drift of the machine.
paired = sorted(b / a for a, b in zip(w, e))
print(f"engine/wrk per round: median {statistics.median(paired):.3f}, range {paired[0]:.3f}-{paired[-1]:.3f} over {len(paired)} rounds")
PY
