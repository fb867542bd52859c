#!/usr/bin/env bash
# The whole job: microbenchmarks, load tests, then the report, on whatever store the resolver finds
# (AUTHBENCH_REDIS, else a private redis-server, else Docker, else embedded Garnet).
#
#   scripts/run-all.sh            full run into results/ (what results/README.md publishes)
#   scripts/run-all.sh --quick    every benchmark once and a short load smoke run, into results/quick/
#   --no-build                    skip the Release build (everything must already be built)
#   --skip-micro / --skip-load    reuse the other half's existing results
#   --rates R1,R2,...             load-test rates (default: the published run's, from light load to beyond the
#                                 ES256 arm's saturation on a 2-core machine; pick your own from --find-max)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 build=1 micro=1 load=1 rates=2000,8000,15000,30000
args=("$@")
while (($#)); do
    case "$1" in
        --quick) quick=1 ;;
        --no-build) build=0 ;;
        --skip-micro) micro=0 ;;
        --skip-load) load=0 ;;
        --rates)
            [[ $# -ge 2 && "$2" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "error: --rates takes comma-separated whole numbers, e.g. --rates 1000,4000" >&2; exit 2; }
            rates=$2; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if ((quick)); then results=results/quick; else results=results; fi
# Every arm of the catalogue plus the JWT-in-cookie variant, so the transport's cost is measured beside jwt's.
arms=all,jwt-cookie
stamp=$(date -u +%Y%m%dT%H%M%SZ)
micro_cmd=(dotnet run -c Release --no-build --project bench/AuthBench.Benchmarks -- --filter '*' --artifacts "$results/micro")
load_cmd=(dotnet run -c Release --no-build --project loadtest/AuthBench.LoadTest -- --out "$results/load/$stamp" --arms "$arms" --alg HS256,ES256 --claims typical)
if ((quick)); then
    micro_cmd+=(--job dry)
    load_cmd+=(--quick)
else
    load_cmd+=(--rates "$rates" --repeat 3)
fi
# Closed-loop saturation per arm: the throughput ceiling and CPU per request without idle spinning.
saturation_cmd=(dotnet run -c Release --no-build --project loadtest/AuthBench.LoadTest -- --out "$results/load/$stamp-find-max" --arms "$arms" --alg HS256,ES256 --claims typical --find-max --duration 10s --warmup 3s --repeat 3)
report_cmd=(dotnet run -c Release --no-build --project report/AuthBench.Report -- --results "$results")

if ((build)); then
    echo "== build (Release)"
    dotnet build -c Release -nologo -v q
else
    # --no-build runs what is already built; a missing program is a clear error, not dotnet run's stack trace.
    for project in bench/AuthBench.Benchmarks loadtest/AuthBench.LoadTest report/AuthBench.Report; do
        name=${project##*/}
        if [[ ! -f "$project/bin/Release/net10.0/$name.dll" ]]; then
            echo "error: --no-build, but $project has no Release build; run without --no-build or 'dotnet build -c Release' first" >&2
            exit 2
        fi
    done
fi
mkdir -p "$results"
started=$(date +%s)
micro_text="${micro_cmd[*]}" load_text="${load_cmd[*]}"
((micro)) || micro_text="(not run: existing results kept)"
((load)) || load_text="(not run: existing results kept)"

if ((micro)); then
    echo "== microbenchmarks: ${micro_cmd[*]}"
    rm -rf "$results/micro.previous"; [[ -d "$results/micro" ]] && mv "$results/micro" "$results/micro.previous"
    if "${micro_cmd[@]}"; then rm -rf "$results/micro.previous"; else
        echo "error: microbenchmarks failed; the previous results are kept in $results/micro.previous" >&2; exit 1
    fi
fi
micro_done=$(date +%s)

if ((load)); then
    echo "== load tests: ${load_cmd[*]}"
    "${load_cmd[@]}"
    if ((!quick)); then
        echo "== saturation: ${saturation_cmd[*]}"
        "${saturation_cmd[@]}"
    fi
    # Only the newest run is published; older ones stay on disk for comparison but are not the report's input.
fi
load_done=$(date +%s)

# What produced these results, for the report's environment block (written atomically).
# One definition of "dirty" (AuthBench.Common.GitProvenance): the report tool prints "<commit> true|false".
read -r commit dirty < <(dotnet run -c Release --no-build --project report/AuthBench.Report -- --provenance)
tmp=$(mktemp "$results/run.json.XXXX")
cat > "$tmp" <<JSON
{
  "date_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "working_tree_dirty": $dirty,
  "mode": "$( ((quick)) && echo quick || echo full )",
  "commands": {
    "all": "scripts/run-all.sh ${args[*]}",
    "micro": "$micro_text",
    "load": "$load_text",
    "saturation": "$( ((load && !quick)) && echo "${saturation_cmd[*]}" || echo "(not run)" )",
    "report": "${report_cmd[*]}"
  },
  "durations_s": { "micro": $((micro_done - started)), "load": $((load_done - micro_done)) }
}
JSON
mv "$tmp" "$results/run.json"

echo "== report: ${report_cmd[*]}"
"${report_cmd[@]}"
echo "== done in $(( $(date +%s) - started )) s: $results/README.md"
