# A throwaway PostgreSQL for the tests of internal/postgres and the
# two-replica run. Source it, then:
#
#   pg_start    install PostgreSQL from Debian's packages if it is missing,
#               make a cluster in a temporary folder, start it on a Unix
#               socket in that folder (no TCP), and export
#               SALAMA_TEST_POSTGRES, the connection string the tests read
#               (a postgres:// URL); fsync is off, unless the first
#               argument is "durable" (for measurements)
#   pg_stop     stop the cluster and delete the folder
#
# initdb and postgres refuse to run as root, so under root (as CI runs) the
# cluster belongs to the postgres user that Debian's package creates.

pg_bindir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_install() {
	[ -n "$(pg_bindir)" ] && return 0
	echo "PostgreSQL is not installed: installing it from Debian's packages"
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo -n"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# The package would start a cluster of its own on port 5432 where an init
	# system runs; the tests do not use it.
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
	[ -n "$(pg_bindir)" ] || { echo "PostgreSQL did not install"; return 1; }
}

# as_owner runs a command as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	pg_install || return 1
	local bin
	bin=$(pg_bindir)
	PG_DIR=$(mktemp -d /tmp/salama-pg.XXXXXX)
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || { echo "no postgres user to own the test cluster"; return 1; }
		chown postgres: "$PG_DIR"
	fi
	as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log"; return 1; }
	# Unix socket only (listen_addresses empty): nothing listens on the
	# network. fsync off: the cluster is thrown away after the run.
	local fsync="-c fsync=off"
	[ "${1:-}" = durable ] && fsync=""
	as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' $fsync -c max_connections=200" start >/dev/null ||
		{ cat "$PG_DIR/server.log"; return 1; }
	export PG_DIR
	export SALAMA_TEST_POSTGRES="postgres://postgres@/postgres?host=$PG_DIR&sslmode=disable"
	echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $PG_DIR"
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	as_owner "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
	unset PG_DIR SALAMA_TEST_POSTGRES
}
