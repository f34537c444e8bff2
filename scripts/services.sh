#!/usr/bin/env bash
# Installs and starts what the tests need on a Debian 12 machine: a Docker engine (dockerd)
# with a one-node swarm. Idempotent: installs only what is missing, starts dockerd only when
# `docker info` does not answer, and inits the swarm only when none is active.
#
#   bash scripts/services.sh          # as root, from anywhere
#
# Sourcing it (`source scripts/services.sh`) only defines the functions.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_DEADLINE_S="${DOCKERD_DEADLINE_S:-60}"

say() { printf 'services: %s\n' "$*"; }

# install_packages: apt-get installs docker.io and iptables when their commands are missing.
install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  if [ "${#missing[@]}" -eq 0 ]; then
    say "docker.io and iptables already installed"
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

services_main() {
  local start=$SECONDS
  install_packages
  start_dockerd
  init_swarm
  say "ready in $((SECONDS - start))s: $(docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  services_main
fi
