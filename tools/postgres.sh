#!/bin/sh
# A throwaway PostgreSQL cluster for the tests, from Debian's packages.
#
#   tools/postgres.sh start DIR   installs postgresql if missing, makes a cluster in DIR (owned
#                                 by the postgres user) listening on a free loopback port, with
#                                 TLS offered (a certificate for 127.0.0.1 signed by DIR/ca.crt,
#                                 the tests' root of trust), and prints its URL
#                                 (postgres://postgres@127.0.0.1:PORT)
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
    # TLS: a certificate for 127.0.0.1 signed by a certificate authority made for the run
    # (DIR/ca.crt, the tests' root of trust; openssl comes with the postgresql package).
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
    { openssl req -new -x509 -days 2 -nodes -subj /CN=monalisa-test-ca -keyout "$dir/ca.key" -out "$dir/ca.crt" &&
      openssl req -new -nodes -subj /CN=127.0.0.1 -keyout "$dir/server.key" -out "$dir/server.csr" &&
      openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
          -extfile "$dir/server.ext" -out "$dir/server.crt"; } >"$dir/openssl.log" 2>&1 \
        || { cat "$dir/openssl.log" >&2; exit 1; }
    chown postgres "$dir/server.key" && chmod 600 "$dir/server.key"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 \
           -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" \
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
