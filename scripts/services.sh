#!/usr/bin/env bash
# Installs and starts what the tests need on a Debian 12 machine: a Docker engine (dockerd)
# with a one-node swarm, and an image registry on 127.0.0.1:5000 (Debian's docker-registry).
# Prometheus and Alertmanager are only installed: the alert-path tests start their own
# processes on loopback (test/support/alerting.ts).
# Idempotent: installs only what is missing, starts dockerd only when `docker info` does not
# answer, inits the swarm only when none is active, and starts the registry only when nothing
# answers on its address.
#
#   bash scripts/services.sh          # as root, from anywhere
#
# Sourcing it (`source scripts/services.sh`) only defines the functions.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_DEADLINE_S="${DOCKERD_DEADLINE_S:-60}"
REGISTRY_ADDR="${REGISTRY_ADDR:-127.0.0.1:5000}"
REGISTRY_DIR="${REGISTRY_DIR:-/var/lib/faas-registry}"
REGISTRY_LOG="${REGISTRY_LOG:-/tmp/faas-registry.log}"
REGISTRY_DEADLINE_S="${REGISTRY_DEADLINE_S:-30}"

say() { printf 'services: %s\n' "$*"; }

# install_packages: apt-get installs docker.io, iptables, docker-registry, prometheus and
# prometheus-alertmanager when their commands are missing.
install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  if [ "${#missing[@]}" -eq 0 ]; then
    say "docker.io, iptables, docker-registry, prometheus and prometheus-alertmanager already installed"
    return
  fi
  say "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

docker_answers() { docker info >/dev/null 2>&1; }

# start_dockerd: starts dockerd in the background unless one already answers, then waits for
# it until the deadline; on failure prints the tail of its log and fails.
start_dockerd() {
  if docker_answers; then
    say "dockerd already answers"
    return
  fi
  local pid
  pid="$(live_pid /var/run/docker.pid)"
  if [ -n "$pid" ]; then
    say "dockerd (pid $pid) is running but not answering yet; waiting for it"
  else
    remove_stale_pidfiles
    say "starting dockerd (log: $DOCKERD_LOG)"
    setsid dockerd </dev/null >"$DOCKERD_LOG" 2>&1 &
    pid=$!
  fi
  wait_for_dockerd "$pid"
}

# live_pid FILE: prints the pid in FILE if that process is alive (not a zombie).
live_pid() {
  local pid state
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  state="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
  if [ -n "$state" ] && [ "${state:0:1}" != "Z" ]; then
    echo "$pid"
  fi
}

# remove_stale_pidfiles: a dockerd killed with SIGKILL leaves its pid file and its containerd's
# behind. A new dockerd refuses to start, or waits for a dead containerd, while a file names a
# process that /proc still lists (a zombie not yet reaped).
remove_stale_pidfiles() {
  local f
  for f in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
    if [ -f "$f" ] && [ -z "$(live_pid "$f")" ]; then
      say "removing stale $f"
      rm -f "$f"
    fi
  done
}

wait_for_dockerd() {
  local pid=$1 start=$SECONDS
  until docker_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      fail_dockerd "dockerd exited before answering"
    fi
    if ((SECONDS - start >= DOCKERD_DEADLINE_S)); then
      fail_dockerd "dockerd did not answer within ${DOCKERD_DEADLINE_S}s"
    fi
    sleep 0.5
  done
  say "dockerd answers after $((SECONDS - start))s (pid $pid)"
}

fail_dockerd() {
  say "$1; last lines of $DOCKERD_LOG:" >&2
  tail -n 40 "$DOCKERD_LOG" >&2 || true
  exit 1
}

# init_swarm: makes this engine a one-node swarm manager unless a swarm is already active.
init_swarm() {
  local state
  state="$(docker info --format '{{.Swarm.LocalNodeState}}')"
  if [ "$state" = "active" ]; then
    say "swarm already active"
    return
  fi
  say "initialising a one-node swarm (state was '$state')"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
}

# registry_answers: true when an HTTP server answers GET /v2/ on REGISTRY_ADDR (any status).
registry_answers() {
  node -e "fetch('http://$REGISTRY_ADDR/v2/', { signal: AbortSignal.timeout(2000) })
    .then(() => process.exit(0), () => process.exit(1))" 2>/dev/null
}

# write_registry_config: a loopback-only registry storing its blobs under REGISTRY_DIR.
write_registry_config() {
  mkdir -p "$REGISTRY_DIR/data"
  printf '%s\n' \
    'version: 0.1' \
    'log:' \
    '  level: warn' \
    'storage:' \
    '  filesystem:' \
    "    rootdirectory: $REGISTRY_DIR/data" \
    '  delete:' \
    '    enabled: true' \
    'http:' \
    "  addr: $REGISTRY_ADDR" >"$REGISTRY_DIR/config.yml"
}

# start_registry: runs Debian's docker-registry on REGISTRY_ADDR unless something already
# answers there, then waits for it. dockerd trusts 127.0.0.1:5000 without TLS. The package's
# own service is not used: it would listen on every interface.
start_registry() {
  if registry_answers; then
    say "registry already answers on $REGISTRY_ADDR"
    return
  fi
  write_registry_config
  say "starting docker-registry on $REGISTRY_ADDR (config $REGISTRY_DIR/config.yml, log $REGISTRY_LOG)"
  setsid docker-registry serve "$REGISTRY_DIR/config.yml" </dev/null >"$REGISTRY_LOG" 2>&1 &
  local pid=$! start=$SECONDS
  until registry_answers; do
    if ! kill -0 "$pid" 2>/dev/null || ((SECONDS - start >= REGISTRY_DEADLINE_S)); then
      say "the registry did not answer on $REGISTRY_ADDR; last lines of $REGISTRY_LOG:" >&2
      tail -n 20 "$REGISTRY_LOG" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  say "registry answers on $REGISTRY_ADDR after $((SECONDS - start))s (pid $pid)"
}

services_main() {
  local start=$SECONDS
  install_packages
  start_dockerd
  init_swarm
  start_registry
  say "ready in $((SECONDS - start))s: $(docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  services_main
fi
