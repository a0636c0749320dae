#!/usr/bin/env bash
# Makes sure the services the tests talk to are there: Redis on REDIS_URL's port (default 6379) and,
# for the dashboard test, Debian's chromium. Installs with apt-get when missing and allowed (root).
set -euo pipefail

redis_port=$(printf '%s' "${REDIS_URL:-redis://127.0.0.1:6379}" | sed -E 's#^rediss?://([^@/]*@)?[^:/]+:?([0-9]*).*#\2#')
redis_port=${redis_port:-6379}

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-services: $1 is missing; install it with: sudo apt-get install -y $1" >&2
    exit 1
  fi
  [ -n "${apt_updated:-}" ] || { apt-get update -qq >/dev/null; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

if ! answers "$redis_port"; then
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir /tmp --logfile "/tmp/redis-$redis_port.log" >/dev/null
  for _ in $(seq 1 50); do answers "$redis_port" && break; sleep 0.1; done
  answers "$redis_port" || { echo "ensure-services: redis-server did not start on port $redis_port" >&2; exit 1; }
fi

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
