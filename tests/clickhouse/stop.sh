#!/bin/sh
# Stops the server tests/clickhouse/start.sh DIR started.
dir=$1
[ -f "$dir/pid" ] || exit 0
pid=$(cat "$dir/pid")
kill "$pid" 2>/dev/null || exit 0
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kill -9 "$pid" 2>/dev/null || true
