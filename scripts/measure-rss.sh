#!/usr/bin/env bash
# Resident memory of real weft daemons: two members (A created the mesh, B joined) in two network namespaces
# over a veth pair, as bench/throughput.sh sets them up. Prints each daemon's VmRSS idle (IDLE_SECONDS after the
# tunnel answers a ping) and the peak sampled every 0.2 s while iperf3 runs LOAD_SECONDS through the tunnel
# (B sends to A, then A sends to B), in MB. Used to pick the memory settings in src/Weft/Weft.csproj.
#
#   sudo bash scripts/measure-rss.sh [weft command...]     # default: the AOT binary from scripts/publish.sh
#   sudo bash scripts/measure-rss.sh dotnet src/Weft/bin/Release/net10.0/weft.dll
#
# Exits 3 when a daemon is over the issue 5 targets: MAX_IDLE_MB (default 40) idle, MAX_LOAD_MB (default 80) under
# load, so a system test can run it as is. Environment variables given to this script (e.g. DOTNET_GCgen0size)
# reach the daemons, to try runtime knobs.
# Needs root, ip, iperf3 and jq; removes its namespaces, processes and temp files on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $(id -u) -eq 0 ]] || { echo "measure-rss.sh: needs root" >&2; exit 1; }

if [[ $# -gt 0 ]]; then
    weft=("$@")
else
    weft=("$(bash scripts/publish.sh | head -n 1)")
fi
IDLE_SECONDS=${IDLE_SECONDS:-10}
MAX_IDLE_MB=${MAX_IDLE_MB:-40}
MAX_LOAD_MB=${MAX_LOAD_MB:-80}
LOAD_SECONDS=${LOAD_SECONDS:-10}
NS_A="weftrss$$a" NS_B="weftrss$$b" VETH_A="wrss$$a" VETH_B="wrss$$b"
IP_A=10.213.252.1 IP_B=10.213.252.2
WORK=$(mktemp -d /tmp/weft-rss.XXXXXX)
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# shellcheck source=bench/lib/veth-pair.sh
source bench/lib/veth-pair.sh
veth_pair "$NS_A" "$NS_B" "$VETH_A" "$VETH_B" "$IP_A" "$IP_B"

sa="$WORK/a" sb="$WORK/b"
in_ns "$NS_A" "${weft[@]}" init --mesh rss --name a --ipv4 100.91.0.0/16 --domain weft --state "$sa" >/dev/null
ip netns exec "$NS_A" "${weft[@]}" up --state "$sa" >"$WORK/a.log" 2>&1 &   # ip execs the daemon: $! is weft
PIDS+=($!); pid_a=$!
for _ in $(seq 120); do in_ns "$NS_A" "${weft[@]}" status --json --state "$sa" >/dev/null 2>&1 && break; sleep 0.25; done
in_ns "$NS_B" "${weft[@]}" join --request --state "$sb" >"$WORK/b.req"
in_ns "$NS_A" "${weft[@]}" sign --name b --groups rss --state "$sa" "$WORK/b.req" >"$WORK/b.bundle"
in_ns "$NS_B" "${weft[@]}" join --cert "$WORK/b.bundle" --state "$sb" >/dev/null
ip netns exec "$NS_B" "${weft[@]}" up --peer "$IP_A:51820" --state "$sb" >"$WORK/b.log" 2>&1 &
PIDS+=($!); pid_b=$!
address=$(in_ns "$NS_A" "${weft[@]}" status --json --state "$sa" | grep -oE '"ipv4": *"[^"]*"' | head -n 1 | sed -E 's/.*"([^"/]*)(\/[0-9]+)?"$/\1/')
for i in $(seq 120); do
    in_ns "$NS_B" ping -c 1 -W 1 "$address" >/dev/null 2>&1 && break
    ((i < 120)) || { echo "tunnel to $address never came up; logs:" >&2; cat "$WORK/a.log" "$WORK/b.log" >&2; exit 1; }
    sleep 0.25
done

sleep "$IDLE_SECONDS"
idle_a=$(rss_kb "$pid_a") idle_b=$(rss_kb "$pid_b")

ip netns exec "$NS_A" iperf3 -s -1 -B "$address" >/dev/null 2>&1 &
PIDS+=($!)
sleep 0.5
peak_a=0 peak_b=0
ip netns exec "$NS_B" iperf3 -c "$address" -t "$LOAD_SECONDS" -J >"$WORK/iperf.json" 2>&1 &
client=$!
PIDS+=($client)
while kill -0 "$client" 2>/dev/null; do
    now=$(rss_kb "$pid_a"); ((now > peak_a)) && peak_a=$now
    now=$(rss_kb "$pid_b"); ((now > peak_b)) && peak_b=$now
    sleep 0.2
done
gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9 * 100 | floor / 100' "$WORK/iperf.json" 2>/dev/null) || gbps="n/a ($(head -c 300 "$WORK/iperf.json"))"
after_a=$(rss_kb "$pid_a") after_b=$(rss_kb "$pid_b")

mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
echo "weft: ${weft[*]}"
echo "idle MB: a $(mb "$idle_a") b $(mb "$idle_b"); load peak MB: a $(mb "$peak_a") b $(mb "$peak_b"); after load MB: a $(mb "$after_a") b $(mb "$after_b"); iperf3 ${gbps} Gbit/s"

over=0
for kb in "$idle_a" "$idle_b"; do ((kb <= MAX_IDLE_MB * 1024)) || over=1; done
for kb in "$peak_a" "$peak_b"; do ((kb <= MAX_LOAD_MB * 1024)) || over=1; done
if ((over)); then
    echo "over target: idle <= $MAX_IDLE_MB MB, load <= $MAX_LOAD_MB MB per daemon" >&2
    exit 3
fi
