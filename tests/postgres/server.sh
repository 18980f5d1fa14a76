#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: `server.sh start STATE_DIR BIN_DIR` and `server.sh stop STATE_DIR`.
#
# start: a fresh cluster in a new directory under /tmp (trust authentication, UTF8), listening on 127.0.0.1 at
# the first free port it finds and on a socket in that directory; it writes STATE_DIR/conninfo (the libpq
# connection string the tests read) and STATE_DIR/cluster (the cluster's directory, for stop).
# stop: stops the cluster fast and removes its directory.
#
# pause: stops the server and keeps the cluster; resume: starts it again on the same port (for the fault tests).
#
# Run as root, the cluster belongs to the unprivileged `postgres` user (PostgreSQL refuses to run as root);
# run as anyone else, it belongs to them.
#
# The server speaks German (lc_messages=de_DE.UTF-8) when the machine has that locale and PostgreSQL's German
# messages, so that the tests prove the connector never reads the server's words: only the error fields
# (SQLSTATE, constraint name) and the catalog. TETHER_TEST_POSTGRES_LC_MESSAGES chooses another language.
set -eu

usage() {
  echo "usage: $0 start STATE_DIR BIN_DIR | stop STATE_DIR | pause STATE_DIR | resume STATE_DIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
state=$2

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The language of the server's messages: the one asked for, else German where the machine has it, else English.
messages_locale() {
  if [ -n "${TETHER_TEST_POSTGRES_LC_MESSAGES:-}" ]; then
    echo "$TETHER_TEST_POSTGRES_LC_MESSAGES"
  elif locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\{0,1\}8' &&
      ls /usr/share/locale/de/LC_MESSAGES/postgres-*.mo >/dev/null 2>&1; then
    echo de_DE.UTF-8
  else
    echo C
  fi
}

# The server's settings: TCP on 127.0.0.1 at port $1, its socket in directory $2; no fsync (thrown away anyway).
server_options() {
  echo "-c listen_addresses=127.0.0.1 -p $1 -k $2 -c fsync=off -c max_connections=200 -c lc_messages=$(messages_locale)"
}

stop_cluster() {
  [ -f "$state/cluster" ] || return 0
  cluster=$(cat "$state/cluster")
  bin=$(cat "$state/bin")
  if [ -d "$cluster/data" ]; then
    as_owner "$bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster"
  rm -f "$state/cluster" "$state/conninfo" "$state/bin" "$state/port"
}

case $command in
  start)
    [ $# -eq 3 ] || usage
    bin=$3
    mkdir -p "$state"
    stop_cluster  # a cluster a previous run left behind
    cluster=$(mktemp -d /tmp/tether-postgres.XXXXXX)
    echo "$cluster" >"$state/cluster"
    echo "$bin" >"$state/bin"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$cluster"
    fi
    if ! as_owner "$bin/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        >"$cluster/initdb.log" 2>&1; then
      cat "$cluster/initdb.log" >&2
      stop_cluster
      exit 1
    fi
    # Try ports until one is free: pg_ctl -w fails when the postmaster cannot bind.
    attempt=0
    while :; do
      attempt=$((attempt + 1))
      port=$(( ($$ * 7919 + attempt * 104729 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 20000 + 30000 ))
      if as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
          -o "$(server_options "$port" "$cluster")" start >/dev/null 2>&1; then
        break
      fi
      if [ $attempt -ge 20 ]; then
        echo "$0: the server did not start on any of 20 ports; its log:" >&2
        cat "$cluster/server.log" >&2 || true
        stop_cluster
        exit 1
      fi
    done
    # Ready means accepting connections over TCP, which is what the tests use.
    tries=0
    until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
      tries=$((tries + 1))
      if [ $tries -ge 100 ]; then
        echo "$0: the server on port $port never became ready" >&2
        stop_cluster
        exit 1
      fi
      sleep 0.1
    done
    echo "$port" >"$state/port"
    echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$state/conninfo"
    echo "postgres on 127.0.0.1:$port, cluster in $cluster"
    ;;
  stop)
    stop_cluster
    ;;
  pause)
    as_owner "$(cat "$state/bin")/pg_ctl" -D "$(cat "$state/cluster")/data" -m fast -w stop >/dev/null
    ;;
  resume)
    cluster=$(cat "$state/cluster")
    port=$(cat "$state/port")
    as_owner "$(cat "$state/bin")/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "$(server_options "$port" "$cluster")" start >/dev/null
    ;;
  *)
    usage
    ;;
esac
