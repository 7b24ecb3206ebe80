#!/usr/bin/env bash
# genlab as two Streamlit servers behind nginx on one machine, for a class too big for one
# server process. Both replicas share one store and one cookie secret (made at each start,
# kept in the run folder, never in git); nginx keeps each browser on one replica (a cookie).
#
#   deploy/replicas.sh start [PORT]   nginx on PORT (default 8501), replicas on 127.0.0.1:PORT+1..
#   deploy/replicas.sh stop           stops what start started (by the pids it wrote)
#   deploy/replicas.sh status
#
# Settings: REPLICAS (2), GENLAB_RUN_DIR (deploy/run: pids, logs, nginx's files, the secret),
# GENLAB_STORE (the shared store; default as for one server), GENLAB_PYTHON (.venv/bin/python).
# No root needed for a PORT of 1024 or more. Each replica runs deploy/serve.py (the hosting
# profile) with GENLAB_JOBS = cores / REPLICAS unless GENLAB_JOBS is set.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
run=${GENLAB_RUN_DIR:-$here/run}
replicas=${REPLICAS:-2}
py=${GENLAB_PYTHON:-$root/.venv/bin/python}
usage="usage: deploy/replicas.sh start [PORT] | stop | status"

bad() { echo "replicas.sh: $*" >&2; echo "$usage" >&2; exit 2; }
fail() { echo "replicas.sh: $*" >&2; exit 1; }

# The pid in FILE, if that process is alive and its command line matches PATTERN (a pid file
# left by a crash may name a process that someone else started since).
running() {
    local pid
    [ -f "$1" ] || return 1
    pid=$(cat "$1")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE -- "$2" && echo "$pid"
}

# Ends the process in FILE (if it matches PATTERN) and its process group when it leads one (a
# replica's training workers): TERM first, KILL after 15 s. Then removes FILE.
end() {
    local pid target
    if pid=$(running "$1" "$2"); then
        target=$pid
        [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] && target=-$pid
        kill -TERM -- "$target" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "$target" 2>/dev/null || true
        echo "stopped $(basename "$1" .pid) (pid $pid)"
    fi
    rm -f "$1"
}

find_nginx() {
    command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } \
        || fail "nginx is not installed: apt-get install nginx (Debian's package)"
}

port_free() {  # ADDRESS PORT: nothing listens there (SO_REUSEADDR, as nginx and uvicorn bind)
    "$py" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))' "$1" "$2" 2>/dev/null
}

wait_healthy() {  # URL SECONDS [PID]: until URL/_stcore/health answers "ok"; fails if PID dies
    local deadline=$((SECONDS + $2))
    until "$py" -c 'import sys, urllib.request as u
sys.exit(u.urlopen(sys.argv[1] + "/_stcore/health", timeout=2).read() != b"ok")' "$1" 2>/dev/null
    do
        if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
        [ $SECONDS -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

stop() {
    local f
    end "$run/nginx.pid" nginx
    for f in "$run"/replica-*.pid; do
        [ -e "$f" ] && end "$f" "streamlit|serve\.py"
    done
    return 0
}

start() {
    local port=$1 nginx i pid stop_cmd
    if ! [[ $replicas =~ ^[1-9][0-9]{0,2}$ ]]; then
        bad "REPLICAS must be a whole number from 1 to 999, not '$replicas'"
    fi
    if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || [ $((port + replicas)) -gt 65535 ]; then
        bad "PORT must be a number from 1 to $((65535 - replicas)), not '$port'"
    fi
    [[ $run =~ ^[A-Za-z0-9/._+-]+$ ]] \
        || bad "GENLAB_RUN_DIR='$run' may hold only letters, digits and / . _ + - (nginx's paths)"
    [ -x "$py" ] || fail "no Python at $py: run 'make install' or set GENLAB_PYTHON"
    nginx=$(find_nginx)
    if running "$run/nginx.pid" nginx >/dev/null; then
        fail "already running (run folder $run): deploy/replicas.sh stop first"
    fi
    port_free 0.0.0.0 "$port" || fail "port $port is taken: give another, deploy/replicas.sh start PORT"
    for i in $(seq "$replicas"); do
        port_free 127.0.0.1 $((port + i)) \
            || fail "port $((port + i)) (replica $i) is taken: give another PORT"
    done

    mkdir -p "$run/tmp"
    rm -f "$run"/replica-*.pid "$run"/replica-*.log
    # One secret for all replicas: Streamlit signs its XSRF cookie with it. In the
    # environment, not on the command line, where every user of the machine could read it.
    (umask 077 && "$py" -c 'import secrets; print(secrets.token_hex(32))' >"$run/cookie_secret")
    STREAMLIT_SERVER_COOKIE_SECRET=$(cat "$run/cookie_secret")
    # One store for all: an absolute path, so that both replicas resolve the same folder.
    GENLAB_STORE=$(cd "$root" && "$py" -c 'from core.store import default_root as d
print(d().resolve())')
    export STREAMLIT_SERVER_COOKIE_SECRET GENLAB_STORE

    : >"$run/upstreams.conf"
    for i in $(seq "$replicas"); do
        echo "server 127.0.0.1:$((port + i));" >>"$run/upstreams.conf"
    done
    sed -e "s|@RUN@|$run|g" -e "s|@PORT@|$port|g" "$here/nginx.conf" >"$run/nginx.conf"
    "$nginx" -q -t -p "$run" -c "$run/nginx.conf" -e "$run/error.log" \
        || fail "nginx refused $run/nginx.conf (above)"

    # setsid: each replica leads its own process group (stop ends its workers with it), and
    # a Ctrl-C or a closed terminal where start ran does not reach it.
    for i in $(seq "$replicas"); do
        setsid "$py" "$here/serve.py" --port $((port + i)) --address 127.0.0.1 \
            --replicas "$replicas" >"$run/replica-$i.log" 2>&1 </dev/null &
        echo $! >"$run/replica-$i.pid"
    done
    for i in $(seq "$replicas"); do
        pid=$(cat "$run/replica-$i.pid")
        if ! wait_healthy "http://127.0.0.1:$((port + i))" 120 "$pid"; then
            tail -n 20 "$run/replica-$i.log" >&2 || true
            stop >/dev/null
            fail "replica $i did not come up on port $((port + i)) (its log is above)"
        fi
    done
    "$nginx" -p "$run" -c "$run/nginx.conf" -e "$run/error.log"
    if ! wait_healthy "http://127.0.0.1:$port" 20; then
        tail -n 20 "$run/error.log" >&2 || true
        stop >/dev/null
        fail "nginx did not answer on port $port (its log is above)"
    fi
    echo "genlab: http://$(hostname):$port, $replicas replicas; logs and pids in $run"
    sed -n 1p "$run/replica-1.log"   # serve.py's line: the training settings and the store
    if [ "$run" = "$here/run" ]; then stop_cmd="deploy/replicas.sh stop"
    else stop_cmd="GENLAB_RUN_DIR=$run deploy/replicas.sh stop"; fi
    echo "stop with: $stop_cmd"
}

status() {
    local f pid found=1
    for f in "$run/nginx.pid" "$run"/replica-*.pid; do
        [ -e "$f" ] || continue
        if pid=$(running "$f" "$([ "${f##*/}" = nginx.pid ] && echo nginx || echo "streamlit|serve\.py")")
        then echo "$(basename "$f" .pid): running (pid $pid)"; found=0
        else echo "$(basename "$f" .pid): not running"; fi
    done
    [ $found = 0 ] || echo "nothing runs from $run"
}

case "${1:-}" in
    start) [ $# -le 2 ] || bad "start takes one PORT at most"; start "${2:-8501}" ;;
    stop) [ $# -eq 1 ] || bad "stop takes no argument"; stop ;;
    status) status ;;
    "") bad "give a command: start, stop or status" ;;
    *) bad "unknown command '$1'" ;;
esac
