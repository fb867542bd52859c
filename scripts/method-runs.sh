#!/usr/bin/env bash
# The runs behind the report's method sections (issue 10), one after the other from one commit, each into its own
# folder under results/ (a run keeps what it measured if interrupted):
#   1. the wrk cross-check of the generator (closed loop, 9 alternated rounds): none on /health, session and jwt on
#      /api/me                                                                               -> results/crosscheck/<arm>.txt
#   2. fixed rates, spin-free (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 in every API) -> results/load/<stamp>-spin0
#   3. as shipped (spin limit not set), at --as-shipped-rates                               -> results/load/<stamp>-as-shipped
#   4. the SLO capacity search (p99 under 1, 5 and 10 ms)                                  -> results/load/<stamp>-slo
# Every load run is isolated (API alone on the last CPU; generator and store on the others) with >= 10 repetitions
# in a seeded random arm order. Then regenerate the report: dotnet run -c Release --project report/AuthBench.Report
#
#   scripts/method-runs.sh [--rates 1000,2000,3000] [--as-shipped-rates 1000,2000] [--duration 6s] [--repeat 10] [--slo-steps 3]
#                          [--seed N] [--skip-crosscheck]
set -euo pipefail
cd "$(dirname "$0")/.."

rates=1000,2000,3000 shipped_rates=1000,2000 slo_steps=3 duration=6s repeat=10 seed=$(( (RANDOM << 15) | RANDOM )) crosscheck=1
while (($#)); do
    case "$1" in
        --rates) rates=$2; shift 2 ;;
        --as-shipped-rates) shipped_rates=$2; shift 2 ;;
        --slo-steps) slo_steps=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --skip-crosscheck) crosscheck=0; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "error: --seed must be a whole number" >&2; exit 2; }

dotnet build -c Release >/dev/null
stamp=$(date -u +%Y%m%dT%H%M%SZ)
load=(dotnet loadtest/AuthBench.LoadTest/bin/Release/net10.0/AuthBench.LoadTest.dll --arms all --alg HS256,ES256 --claims typical)
echo "method runs $stamp: rates $rates, $repeat repetitions of $duration, seed $seed"

if ((crosscheck)); then
    mkdir -p results/crosscheck
    # The generator alone on /health, then the two credential kinds on /api/me (each file replaced only when complete).
    for spec in "none /health 1000" "session /api/me 500" "jwt /api/me 500"; do
        read -r arm endpoint users <<<"$spec"
        tmp=$(mktemp "results/crosscheck/.$arm.XXXXXX")
        scripts/crosscheck-wrk.sh --arm "$arm" --alg HS256 --endpoint "$endpoint" --connections 64 --duration 8s --rounds 9 --users "$users" | tee "$tmp"
        chmod 644 "$tmp"
        mv "$tmp" "results/crosscheck/$arm.txt"
    done
fi
"${load[@]}" --rates "$rates" --duration "$duration" --warmup 3s --repeat "$repeat" --seed "$seed" --spin-limit 0 --out "results/load/$stamp-spin0"
"${load[@]}" --rates "$shipped_rates" --duration "$duration" --warmup 3s --repeat "$repeat" --seed "$seed" --spin-limit as-shipped --out "results/load/$stamp-as-shipped"
"${load[@]}" --slo 1ms,5ms,10ms --slo-steps "$slo_steps" --duration "$duration" --warmup 3s --seed "$seed" --out "results/load/$stamp-slo"
echo "method runs $stamp: done; now: dotnet run -c Release --project report/AuthBench.Report"
