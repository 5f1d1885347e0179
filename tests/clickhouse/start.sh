#!/bin/sh
# Starts a ClickHouse server for the tests, on loopback, as the current user,
# in a folder of its own: tests/clickhouse/start.sh DIR prints the HTTP URL
# (http://127.0.0.1:PORT) once the server answers /ping, and leaves its pid in
# DIR/pid; tests/clickhouse/stop.sh DIR stops it. The server is Debian's
# clickhouse-server (18.16 on Debian 12); the configuration is this folder's
# config.xml and users.xml, with DIR and free ports filled in.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
server=$(command -v clickhouse-server || command -v clickhouse || true)
if [ -z "$server" ]; then
	echo "tests/clickhouse/start.sh: clickhouse-server is missing (sh scripts/deps.sh install)" >&2
	exit 1
fi
mkdir -p "$dir/log" "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
cp "$here/users.xml" "$dir/users.xml"
tries=0
while :; do
	tries=$((tries + 1))
	# a port from the pid and the try: different runs, different ports
	http=$(( 20000 + ($$ * 7 + tries * 131) % 20000 ))
	tcp=$((http + 20000))
	sed "s|@DIR@|$dir|g; s|@HTTP_PORT@|$http|; s|@TCP_PORT@|$tcp|" "$here/config.xml" >"$dir/config.xml"
	if [ "$server" = "$(command -v clickhouse 2>/dev/null)" ]; then
		clickhouse server --config-file="$dir/config.xml" >"$dir/log/stdout" 2>&1 &
	else
		"$server" --config-file="$dir/config.xml" >"$dir/log/stdout" 2>&1 &
	fi
	echo $! >"$dir/pid"
	n=0
	while [ $n -lt 150 ]; do
		if curl -sf "http://127.0.0.1:$http/ping" >/dev/null 2>&1; then
			echo "http://127.0.0.1:$http"
			exit 0
		fi
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.1
		n=$((n + 1))
	done
	kill "$(cat "$dir/pid")" 2>/dev/null || true
	wait "$(cat "$dir/pid")" 2>/dev/null || true
	if [ $tries -ge 5 ]; then
		echo "tests/clickhouse/start.sh: the server did not start; its log:" >&2
		tail -5 "$dir/log/server.err.log" "$dir/log/stdout" >&2 2>/dev/null || true
		exit 1
	fi
done
