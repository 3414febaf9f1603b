#!/usr/bin/env bash
# sock_accept/recv/send/shutdown through `isobox wasm run --tcp-listen`: the echo guest accepts
# one connection on its pre-opened socket and answers upper-case; bash's /dev/tcp is the client.
# usage: run_socket.sh ISOBOX echo_server.wasm
set -u
isobox=$1 wasm=$2
tmp=$(mktemp -d /tmp/isobox-wasi-socket.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 30000))
  "$isobox" wasm run --timeout 20s --tcp-listen "127.0.0.1:$port" "$wasm" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 50); do
    exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  if { true >&3; } 2>/dev/null; then
    break
  fi
  wait $pid
  grep -q "EADDRINUSE" "$tmp/err" || { cat "$tmp/err"; exit 1; } # else retry another port
done
printf 'hello sockets\n' >&3
reply=$(cat <&3)
exec 3<&-
wait $pid
rc=$?
cat "$tmp/out" "$tmp/err"
echo "reply: $reply"
[[ $rc == 0 && $reply == "HELLO SOCKETS" ]] && grep -q "served 14 bytes" "$tmp/out"
