#!/usr/bin/env bash
# Makes a Docker daemon and a local Redis image available for the docker-mode store tests.
#
#   scripts/ci-docker.sh          install docker.io if needed, start dockerd if none answers,
#                                 build the local Redis image if it is absent
#   scripts/ci-docker.sh stop     stop the dockerd this script started (and only that one)
#
# Idempotent, and always exits 0: when Docker cannot be had it says why, and the docker tests
# then skip (or fail, when AUTHBENCH_REQUIRE_DOCKER=1).
#
# Why it looks like this:
# - No image can be pulled here, so the image is built FROM scratch out of Debian's
#   redis-server and redis-cli, the libraries ldd lists for them and the ELF loader.
# - The daemon runs with --bridge=none --iptables=false: test traffic stays on loopback and
#   the machine's firewall is left alone; the tests therefore use host networking.
#
# Env: AUTHBENCH_REDIS_IMAGE (image name, default authbench/redis:7-local),
#      AUTHBENCH_DOCKER_STATE (pid/log folder, default /tmp/authbench-dockerd).
set -u

IMAGE="${AUTHBENCH_REDIS_IMAGE:-authbench/redis:7-local}"
STATE="${AUTHBENCH_DOCKER_STATE:-/tmp/authbench-dockerd}"
PIDFILE="$STATE/dockerd.pid"
LOGFILE="$STATE/dockerd.log"
SOCK=/var/run/docker.sock

say() { echo "ci-docker: $*"; }

daemon_answers() {
    if [[ -n "${DOCKER_HOST:-}" ]]; then
        timeout 5 docker version >/dev/null 2>&1
    else
        [[ -S "$SOCK" ]] && curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
    fi
}

stop_daemon() {
    if [[ ! -f "$PIDFILE" ]]; then
        say "no dockerd started by this script (no $PIDFILE)"
        return 0
    fi
    local pid
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/comm" 2>/dev/null; then
        # Containers left running would keep their ports; remove ours first.
        docker ps -aq --filter "label=org.testcontainers=true" 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
        kill "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
        say "stopped dockerd (pid $pid)"
    else
        say "dockerd pid $pid is not running"
    fi
    rm -f "$PIDFILE"
}

ensure_installed() {
    if command -v dockerd >/dev/null 2>&1; then
        return 0
    fi
    say "dockerd missing: apt-get install -y docker.io"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >"$STATE/apt.log" 2>&1; then
        # A stale package list is the usual cause; refresh once and retry.
        apt-get update -q >>"$STATE/apt.log" 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >>"$STATE/apt.log" 2>&1
    fi
    command -v dockerd >/dev/null 2>&1
}

start_daemon() {
    if daemon_answers; then
        say "a Docker daemon already answers"
        return 0
    fi
    if [[ -n "${DOCKER_HOST:-}" ]]; then
        say "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local daemon"
        return 1
    fi
    if ! ensure_installed; then
        say "could not install docker.io (see $STATE/apt.log)"
        return 1
    fi
    say "starting dockerd --bridge=none --iptables=false (log: $LOGFILE)"
    nohup dockerd --bridge=none --iptables=false --ip6tables=false >"$LOGFILE" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 60); do
        if daemon_answers; then
            say "dockerd is up (pid $(cat "$PIDFILE"))"
            return 0
        fi
        if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
            say "dockerd exited; last log lines:"
            tail -n 5 "$LOGFILE" | sed 's/^/  /'
            rm -f "$PIDFILE"
            return 1
        fi
        sleep 0.5
    done
    say "dockerd did not answer within 30 s; last log lines:"
    tail -n 5 "$LOGFILE" | sed 's/^/  /'
    return 1
}

build_image() {
    if docker image inspect "$IMAGE" >/dev/null 2>&1; then
        say "image $IMAGE present"
        return 0
    fi
    local server cli ctx
    server="$(command -v redis-server || true)"
    cli="$(command -v redis-cli || true)"
    if [[ -z "$server" || -z "$cli" ]]; then
        say "redis-server/redis-cli missing: apt-get install -y redis-server"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >>"$STATE/apt.log" 2>&1
        server="$(command -v redis-server || true)"
        cli="$(command -v redis-cli || true)"
        if [[ -z "$server" || -z "$cli" ]]; then
            say "cannot build $IMAGE: no redis-server binary"
            return 1
        fi
    fi
    ctx="$(mktemp -d)"
    mkdir -p "$ctx/rootfs/usr/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/data"
    # Debian's redis-server is a symlink to redis-check-rdb that picks its role from argv[0]:
    # copy the target under the name redis-server.
    cp -L "$server" "$ctx/rootfs/usr/bin/redis-server"
    cp -L "$cli" "$ctx/rootfs/usr/bin/redis-cli"
    # Every library ldd resolves (absolute paths) plus the loader, at their own paths.
    ldd "$server" "$cli" | grep -o '/[^ ]*' | grep -v ':$' | sort -u | while read -r lib; do
        mkdir -p "$ctx/rootfs$(dirname "$lib")"
        cp -L "$lib" "$ctx/rootfs$lib"
    done
    cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
WORKDIR /data
EXPOSE 6379
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
DOCKERFILE
    chmod 1777 "$ctx/rootfs/tmp"
    if docker build -q -t "$IMAGE" "$ctx" >/dev/null 2>"$STATE/build.log"; then
        say "built $IMAGE from $server"
        rm -rf "$ctx"
        return 0
    fi
    say "docker build failed:"
    tail -n 5 "$STATE/build.log" | sed 's/^/  /'
    rm -rf "$ctx"
    return 1
}

mkdir -p "$STATE"
case "${1:-start}" in
    stop)
        stop_daemon
        ;;
    start)
        if start_daemon && build_image; then
            say "ready: DOCKER_API_VERSION=1.41 TESTCONTAINERS_RYUK_DISABLED=true AUTHBENCH_REDIS_IMAGE=$IMAGE"
        else
            say "Docker is not available; docker-mode tests will skip (or fail with AUTHBENCH_REQUIRE_DOCKER=1)"
        fi
        ;;
    *)
        say "usage: $0 [start|stop]"
        ;;
esac
exit 0
