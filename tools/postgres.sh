#!/bin/sh
# A throwaway PostgreSQL cluster for the tests, from Debian's packages.
#
#   tools/postgres.sh start DIR   installs postgresql if missing, makes a cluster in DIR (owned
#                                 by the postgres user) listening on a free loopback port, and
#                                 prints its URL (postgres://postgres@127.0.0.1:PORT)
#   tools/postgres.sh stop DIR    stops it and removes DIR
#
# The cluster the Debian package makes (15/main) is left alone. Settings are PostgreSQL's
# defaults (fsync and synchronous_commit on), with trust authentication on loopback only.
set -eu

command_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

case "${1:-}" in
start)
    dir=$2
    if [ -z "$(command_dir)" ]; then
        echo "Installing Debian's postgresql" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    bin=$(command_dir)
    mkdir -p "$dir"
    chown postgres "$dir"
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" --auth=trust --username=postgres \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300" \
        start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port"
    ;;
stop)
    dir=$2
    bin=$(command_dir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start DIR | stop DIR" >&2
    exit 2
    ;;
esac
