#!/usr/bin/env bash
# The whole job: microbenchmarks, every load-test phase the report reads, then the report, on whatever store the
# resolver finds (AUTHBENCH_REDIS, else a private redis-server, else Docker, else embedded Garnet).
#
#   scripts/run-all.sh            the default job (about 30 min on a 2-core machine): every section of the report,
#                                 short trials, 10 repetitions where arms are compared; into results/
#   scripts/run-all.sh --full     the publication run (several hours): the trial lengths and arm sets of the
#                                 published per-section runs; into results/
#   scripts/run-all.sh --quick    every benchmark method once and a short load smoke run (within 3 min), into results/quick/
#   --no-build                    skip the Release build (everything must already be built)
#   --skip-micro / --skip-load    reuse the other half's existing results
#   --only P1,P2,...              run only these phases (names as listed by --list)
#   --list                        print the phases of the chosen mode with their commands, and stop
#
# Phases that need a program this machine lacks (redis-server for the store topologies, haproxy for several API
# servers) are not run, and run.json says why. Ctrl+C stops the running phase, which keeps what it measured; the
# remaining phases are not run, and the report (written all the same) says the run was interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=default build=1 micro=1 load=1 list=0 only=""
args=("$@")
while (($#)); do
    case "$1" in
        --quick) mode=quick ;;
        --full) mode=full ;;
        --no-build) build=0 ;;
        --skip-micro) micro=0 ;;
        --skip-load) load=0 ;;
        --list) list=1 ;;
        --only)
            [[ $# -ge 2 && "$2" =~ ^[a-z0-9-]+(,[a-z0-9-]+)*$ ]] || { echo "error: --only takes comma-separated phase names, e.g. --only arms,saturation (see --list)" >&2; exit 2; }
            only=$2; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ $mode == quick ]]; then results=results/quick; else results=results; fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
bench=(dotnet bench/AuthBench.Benchmarks/bin/Release/net10.0/AuthBench.Benchmarks.dll)
lt=(dotnet loadtest/AuthBench.LoadTest/bin/Release/net10.0/AuthBench.LoadTest.dll)
report_cmd=(dotnet report/AuthBench.Report/bin/Release/net10.0/AuthBench.Report.dll --results "$results")

# ---- the plan --------------------------------------------------------------------------------------------------
# Each phase: a name, the trials it runs (for the time estimate), what it needs, and its command. Trial settings:
#   default: 1 s measured per trial, after a warm-up of 500 ms per arm (and per unit of a trial dimension), 10
#            repetitions in a seeded random order for every comparison of arms (fixed rates, saturation, store RTT,
#            connections, topologies, servers, fan-out); the outage scenario 5 repetitions and the windows 3
#            (each trial a whole scenario in time: an outage, or 8 revoked users / 4 changed plans, so 24 windows per
#            arm; the report gives median [min-max] of those, no difference of arms); HTTP/2 bytes 3 repetitions (a
#            request's bytes do not vary between repetitions: the repetitions show that they do not). The closed-loop
#            saturation phase runs the arms whose per-request work differs; every arm runs at the fixed rate.
#            Microbenchmarks in process with 100 ms iterations, 2 warm-up and 8 measured per benchmark, at the
#            typical claim profile (the full run measures every profile; the large-claims phase prices large claims).
#   full:    the published per-section runs' settings (5 s trials, 2 s warm-up, every algorithm, 10 repetitions
#            everywhere but the windows' 5), BenchmarkDotNet's default job.
names=() trials=() needs=() cmds=()
phase() { # phase NAME TRIALS NEEDS -- command...
    local name=$1 n=$2 need=$3; shift 4
    names+=("$name"); trials+=("$n"); needs+=("$need")
    local quoted="" a
    for a in "$@"; do
        # Shell-quoted only where needed, so run.json and the report show the command as one would type it.
        if [[ $a =~ ^[A-Za-z0-9_./:@%+=,-]+$ ]]; then quoted+="$a "; else quoted+="'${a//\'/\'\\\'\'}' "; fi
    done
    cmds+=("${quoted% }")
}
out() { echo "$results/load/$stamp-$1"; }

# The build is the first phase, so that run.json and the time estimate count it (skipped with --no-build).
phase build 0 - -- dotnet build -c Release -nologo -v q
if [[ $mode == quick ]]; then
    # Every benchmark method once, at the typical claim profile (the other profiles only change the inputs).
    phase micro 0 - -- "${bench[@]}" --filter '*Claims: Typical*' '*HeadToHeadBenchmarks*' '*PipelineBenchmarks*' --job dry --inProcess --artifacts "$results/micro"
    phase quick 20 - -- "${lt[@]}" --out "$(out quick)" --arms all,jwt-cookie --alg HS256,ES256 --claims typical --quick --duration 3s
else
    if [[ $mode == full ]]; then
        d=5s w=2s r=10 wr=10 ww=5 hr=10 algs=HS256,RS256,ES256 arm_labels=20 bench_filter=('*') bench_job=()
        conns=1,8,64 rtts=0,0.25ms,1ms counts=1,2,4 fan=1,2,4
    else
        # In process (no process per benchmark) with 100 ms iterations: 8 measured iterations per benchmark, whose
        # 99.9 % interval BenchmarkDotNet reports; the full run uses BenchmarkDotNet's default job.
        d=1s w=500ms r=10 wr=4 ww=3 hr=3 algs=ES256 arm_labels=10 bench_filter=('*Claims: Typical*' '*HeadToHeadBenchmarks*' '*PipelineBenchmarks*')
        bench_job=(--inProcess --launchCount 1 --warmupCount 2 --iterationCount 8 --iterationTime 100)
        conns=1,8,64 rtts=0,1ms counts=1,2 fan=1,2
    fi
    common=(--claims typical --duration "$d" --warmup "$w")
    every=all,jwt-cookie
    store_arms=session,jwt-denylist,aspnet-cookie-store
    window_arms=session,session-cached,jwt,jwt-denylist,jwt-denylist-cached,hybrid,aspnet-cookie,aspnet-cookie-store
    # Closed loop: every arm in the full run; in the default one the arms whose per-request work differs (the near-cached
    # arms and hybrid do a jwt's or session's work per request, and are priced at the fixed rate).
    sat_arms=all sat_labels=13 wd=4s h2_arms=none,session,jwt h2_labels=3
    outage_arms=session,session-cached,jwt,jwt-denylist,jwt-denylist-cached,hybrid,aspnet-cookie-store outage_labels=7
    if [[ $mode == default ]]; then
        store_arms=session,jwt-denylist
        sat_arms=none,session,jwt,jwt-denylist,aspnet-cookie,aspnet-cookie-store sat_labels=8
        # One arm per way of meeting an outage: a store read per request, a near cache, a refresh token in the store.
        outage_arms=session,session-cached,jwt-denylist,hybrid,aspnet-cookie-store outage_labels=5
        # The windows' trials: revoked or changed 1 s in, a 2 s token lifetime, so every window closes within the trial.
        wd=3500ms
        # The credential's bytes per wire and client; the none arm's request (no credential) is in the arms phase.
        h2_arms=session,jwt h2_labels=2
    fi
    phase micro 120 - -- "${bench[@]}" --filter "${bench_filter[@]}" "${bench_job[@]}" --artifacts "$results/micro"
    # Every arm at one moderate rate, spin-free: latency, bytes, server and store CPU per request (the load tables).
    phase arms $((arm_labels * r)) - -- "${lt[@]}" --out "$(out arms)" --arms "$every" --alg "$algs" "${common[@]}" --users 1000 --rates 1000 --repeat "$r" --spin-limit 0 --seed 1301
    # The same rate as shipped (the runtime's own spinning), beside it for the CPU reconciliation.
    phase as-shipped $((3 * r)) - -- "${lt[@]}" --out "$(out as-shipped)" --arms none,session,jwt --alg ES256 "${common[@]}" --users 1000 --rates 1000 --repeat "$r" --seed 1302
    # Closed loop: each arm's saturation throughput and CPU per request with the API core full.
    phase saturation $((sat_labels * r)) - -- "${lt[@]}" --out "$(out saturation)" --arms "$sat_arms" --alg HS256,ES256 "${common[@]}" --users 1000 --find-max --repeat "$r" --seed 1303
    # The highest open-loop rate whose p99 stays under the target.
    phase slo 30 - -- "${lt[@]}" --out "$(out slo)" --arms none,session,jwt --alg ES256 "${common[@]}" --users 1000 --slo 5ms --slo-steps 2 --repeat 3 --seed 1304
    # What each arm does with its store down (fail closed: 503, never 200), and how it comes back.
    phase outage $((outage_labels * wr)) - -- "${lt[@]}" --out "$(out outage)" --arms "$outage_arms" --alg ES256 --claims typical --duration 3s --warmup 1s --users 500 --rates 500 --repeat "$wr" --fault store-outage@1s:1s --seed 1305
    # How long a revoked credential and a changed plan still pass (token lifetime 2 s here: the window scales with it).
    phase revocation $((8 * ww)) - -- "${lt[@]}" --out "$(out revocation)" --arms "$window_arms" --alg ES256 --claims typical --duration "$wd" --warmup 1s --users 50 --rates 500 --repeat "$ww" --window revocation@1s:8 --token-lifetime 2s --seed 1306
    phase staleness $((8 * ww)) - -- "${lt[@]}" --out "$(out staleness)" --arms "$window_arms" --alg ES256 --claims typical --duration "$wd" --warmup 1s --users 50 --rates 500 --repeat "$ww" --window staleness@1s:4 --token-lifetime 2s --seed 1307
    # One refresh of the hybrid arm, priced alone.
    phase refresh $((r)) - -- "${lt[@]}" --out "$(out refresh)" --arms hybrid --alg ES256 "${common[@]}" --users 1000 --refresh-only --rates 200 --repeat "$r" --seed 1308
    # A chain of services, each authenticating the credential itself or trusting an edge token.
    phase fanout $((6 * r)) - -- "${lt[@]}" --out "$(out fanout)" --arms session,jwt --alg ES256 "${common[@]}" --users 1000 --fanout "$fan" --rates 200 --repeat "$r" --spin-limit 0 --seed 1309
    # Large claims: what the credential's size costs.
    phase large-claims $((4 * r)) - -- "${lt[@]}" --out "$(out large-claims)" --arms none,session,jwt,aspnet-cookie --alg ES256 --claims large --duration "$d" --warmup "$w" --users 1000 --rates 1000 --repeat "$r" --spin-limit 0 --seed 1310
    # The store across a network: a delaying relay between every store-backed API and the store, and its accuracy.
    phase relay-calibration 0 - -- "${lt[@]}" relay-calibrate --rtt "$rtts" --rates 200,2000 --duration "$d" --out "$results/relay/$stamp/relay-calibration.json"
    phase rtt $((3 * 2 * r)) - -- "${lt[@]}" --out "$(out rtt)" --arms none,session,jwt-denylist --alg ES256 "${common[@]}" --users 1000 --rates 500 --repeat "$r" --spin-limit 0 --store-rtt "$rtts" --seed 1311
    # Store realism: real redis-server processes (one multiplexer per API server of a fleet; a replica with the AOF; a cluster).
    phase store-connections $((2 * 3 * r)) redis-server -- "${lt[@]}" --out "$(out store-connections)" --arms "$store_arms" --alg HS256 "${common[@]}" --users 1000 --store redis-server --store-connections "$conns" --rates 1000 --repeat "$r" --spin-limit 0 --seed 1312
    phase store-replica $((2 * r)) redis-server -- "${lt[@]}" --out "$(out store-replica)" --arms "$store_arms" --alg HS256 "${common[@]}" --users 1000 --store redis-replica --rates 1000 --repeat "$r" --spin-limit 0 --seed 1313
    phase store-cluster $((2 * r)) redis-server -- "${lt[@]}" --out "$(out store-cluster)" --arms "$store_arms" --alg HS256 "${common[@]}" --users 1000 --store redis-cluster --rates 1000 --repeat "$r" --spin-limit 0 --seed 1314
    # Several API servers behind haproxy, round robin, no stickiness.
    phase instances $((2 * 2 * r)) haproxy -- "${lt[@]}" --out "$(out instances)" --arms session,jwt --alg ES256 "${common[@]}" --users 1000 --instances "$counts" --balancer haproxy --rates 200 --repeat "$r" --spin-limit 0 --seed 1315
    # Bytes on the wire under HTTP/1.1 and HTTP/2 (credential never indexed / indexed), gateway and browser connections.
    phase http2 $((h2_labels * 6 * hr)) - -- "${lt[@]}" --out "$(out http2)" --arms "$h2_arms" --alg ES256 "${common[@]}" --users 1000 --http 1.1,2-never-indexed,2-indexed --users-per-connection all,1 --rates 500 --repeat "$hr" --spin-limit 0 --seed 1316
fi

# Seconds a phase is expected to take: its trials at the trial length plus a per-trial and per-run overhead measured
# on this machine (good enough for an estimate; the load tool shows its own, finer one).
estimate() {
    local i=$1 name=${names[$1]} n=${trials[$1]}
    case $name in
        build) echo 150 ;;
        micro) [[ $mode == quick ]] && echo 60 || { [[ $mode == full ]] && echo 2600 || echo 250; } ;;
        quick) echo 100 ;;
        relay-calibration) echo 25 ;;
        outage) echo $(( n * 44 / 10 + 25 )) ;;
        revocation|staleness) echo $(( n * 5 + 25 )) ;;
        slo) echo 50 ;;
        *) local tenths=$([[ $mode == full ]] && echo 53 || echo 13); echo $(( n * tenths / 10 + 35 )) ;;
    esac
}

selected() { # is phase $1 to run?
    local name=$1
    if [[ $name == build ]]; then ((build)); return; fi
    if [[ -n $only ]]; then [[ ",$only," == *",$name,"* ]]; return; fi
    if [[ $name == micro ]]; then ((micro)); return; fi
    ((load))
}

if [[ -n $only ]]; then
    for p in ${only//,/ }; do
        printf '%s\n' "${names[@]}" | grep -qx -- "$p" || { echo "error: --only: no phase '$p' in the $mode job (see --list)" >&2; exit 2; }
    done
fi

if ((list)); then
    for i in "${!names[@]}"; do printf '%-18s ~%5s s  %s\n' "${names[$i]}" "$(estimate "$i")" "${cmds[$i]}"; done
    exit 0
fi

if ((!build)); then
    # --no-build runs what is already built; a missing program is a clear error, not dotnet's stack trace.
    for project in bench/AuthBench.Benchmarks loadtest/AuthBench.LoadTest report/AuthBench.Report; do
        name=${project##*/}
        if [[ ! -f "$project/bin/Release/net10.0/$name.dll" ]]; then
            echo "error: --no-build, but $project has no Release build; run without --no-build or 'dotnet build -c Release' first" >&2
            exit 2
        fi
    done
fi
mkdir -p "$results/load"

# ---- running it --------------------------------------------------------------------------------------------------
interrupted=0 interrupted_phase="" failed=0
trap 'interrupted=1' INT TERM
statuses=() durations=() outputs=() reasons=()
job_started=$(date +%s)
total_estimate=0
for i in "${!names[@]}"; do selected "${names[$i]}" && total_estimate=$(( total_estimate + $(estimate "$i") )); done

json_escape() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }
clock() { local s=$1; printf '%d min %02d s' $(( s / 60 )) $(( s % 60 )); }

# results/run.json, written atomically after every phase, so an interrupted or failed job still says what it did.
write_run_json() {
    local status=$1 now; now=$(date +%s)
    read -r commit dirty < <("${report_cmd[@]::2}" --provenance)
    local tmp; tmp=$(mktemp "$results/run.json.XXXX")
    {
        printf '{\n  "date_utc": "%s",\n  "commit": "%s",\n  "working_tree_dirty": %s,\n  "mode": "%s",\n  "status": "%s",\n' \
            "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" "$dirty" "$mode" "$status"
        [[ -n $interrupted_phase ]] && printf '  "interrupted_phase": "%s",\n' "$interrupted_phase"
        printf '  "commands": { "all": "%s", "report": "%s" },\n  "phases": [\n' "$(json_escape "scripts/run-all.sh ${args[*]}")" "$(json_escape "${report_cmd[*]}")"
        local first=1 durations_json=""
        for i in "${!names[@]}"; do
            [[ -n ${statuses[$i]:-} ]] || continue
            ((first)) || printf ',\n'; first=0
            printf '    { "name": "%s", "command": "%s", "status": "%s", "duration_s": %s, "output": "%s"' \
                "${names[$i]}" "$(json_escape "${cmds[$i]}")" "${statuses[$i]}" "${durations[$i]:-0}" "$(json_escape "${outputs[$i]:-}")"
            [[ -n ${reasons[$i]:-} ]] && printf ', "reason": "%s"' "$(json_escape "${reasons[$i]}")"
            printf ' }'
            durations_json+="\"${names[$i]}\": ${durations[$i]:-0}, "
        done
        printf '\n  ],\n  "durations_s": { %s"total": %s }\n}\n' "$durations_json" $(( now - job_started ))
    } > "$tmp"
    mv "$tmp" "$results/run.json"
}

output_of() { # the folder or file a command writes (its --out, or --artifacts)
    local cmd=$1
    # Always status 0: under set -e a failing $(...) in an assignment would end the job (the build has no output).
    if [[ $cmd =~ --(out|artifacts)\ ([^ ]+) ]]; then echo "${BASH_REMATCH[2]}"; fi
}

for i in "${!names[@]}"; do
    name=${names[$i]}
    selected "$name" || continue
    outputs[$i]=$(output_of "${cmds[$i]}")
    if ((interrupted)); then statuses[$i]="not run"; reasons[$i]="the job was interrupted before this phase"; continue; fi
    need=${needs[$i]}
    if [[ $need != - ]] && ! command -v "$need" > /dev/null; then
        statuses[$i]="not run"; reasons[$i]="$need is not installed (apt-get install $need)"
        echo "== $name: not run: ${reasons[$i]}"
        write_run_json running
        continue
    fi
    est=$(estimate "$i")
    elapsed=$(( $(date +%s) - job_started ))
    # Time left: the remaining phases' estimates (from timed runs on a 2-core machine; the load tool shows a finer one
    # for its own phase). Not scaled by how the finished phases compared with theirs: the build and the benchmarks vary
    # with the machine far more than the load phases, whose trials have fixed lengths.
    remaining=0
    for j in "${!names[@]}"; do ((j >= i)) && selected "${names[$j]}" && remaining=$(( remaining + $(estimate "$j") )); done
    echo "== [$name] about $(clock "$est"); job: $(clock "$elapsed") elapsed, about $(clock "$remaining") left"
    echo "   ${cmds[$i]}"
    if [[ $name == micro ]]; then
        rm -rf "$results/micro.previous"; [[ -d "$results/micro" ]] && mv "$results/micro" "$results/micro.previous"
    fi
    started=$(date +%s) rc=0
    eval "${cmds[$i]}" || rc=$?
    durations[$i]=$(( $(date +%s) - started ))
    if ((interrupted)) || ((rc == 130)); then
        interrupted=1 interrupted_phase=$name statuses[$i]=interrupted
    elif ((rc != 0)) && [[ $name == build ]]; then
        echo "error: the build failed (exit $rc): nothing was measured" >&2
        exit 1
    elif ((rc != 0)); then
        failed=1 statuses[$i]=failed
        echo "error: phase $name failed (exit $rc); the job goes on with the next phase" >&2
    else
        statuses[$i]=complete
    fi
    if [[ $name == micro ]]; then
        if [[ ${statuses[$i]} == complete ]]; then rm -rf "$results/micro.previous"
        elif [[ -d "$results/micro.previous" ]]; then
            rm -rf "$results/micro.failed"; [[ -d "$results/micro" ]] && mv "$results/micro" "$results/micro.failed"
            mv "$results/micro.previous" "$results/micro"
            echo "   the previous microbenchmark results are kept in $results/micro (this run's partial ones in $results/micro.failed)"
        fi
    fi
    write_run_json running
done

if ((interrupted)); then status=interrupted; elif ((failed)); then status=failed; else status=complete; fi
write_run_json "$status"
trap - INT TERM
echo "== report: ${report_cmd[*]}"
report_rc=0
"${report_cmd[@]}" || report_rc=$?
((report_rc == 0)) || echo "error: the report was not written (exit $report_rc): see the line above" >&2
echo "== $status in $(clock $(( $(date +%s) - job_started ))): $results/README.md (phases and durations in $results/run.json)"
if ((interrupted)); then exit 130; elif ((failed || report_rc != 0)); then exit 1; fi
