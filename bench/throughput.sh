#!/usr/bin/env bash
# Throughput and latency between two network namespaces over a veth pair, in one run, for:
#   direct     the veth itself (the ceiling),
#   weft       two weft members (A created the mesh, B joined),
#   wireguard  two wireguard-go peers (the stock userspace implementation),
# each with iperf3 (default, -P 4, -R; 10 s each) and ping (20 pings, average RTT). Prints a
# markdown table with Gbit/s and each figure's ratio to direct. Needs root; installs what it needs
# (Debian/Ubuntu); removes everything on exit or Ctrl-C. A path that cannot be set up is reported
# as n/a and the others are still measured.
#
#   sudo bash bench/throughput.sh            # WEFT_BIN=/path/to/weft to use a published binary
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $(id -u) -ne 0 ]]; then
    echo "throughput.sh: needs root: sudo bash bench/throughput.sh" >&2
    exit 1
fi

PACKAGES=(iproute2 iperf3 iputils-ping wireguard-go wireguard-tools)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

SECONDS_PER_RUN=10
NS_A="weftbench$$a"
NS_B="weftbench$$b"
VETH_A="wbench$$a"
VETH_B="wbench$$b"
WG_A="wbgo$$a"
WG_B="wbgo$$b"
IP_A=10.213.251.1
IP_B=10.213.251.2
WORK=$(mktemp -d /tmp/weft-bench.XXXXXX)
PIDS=()

cleanup() {
    local pid
    trap - EXIT INT TERM
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

log() { printf '[bench] %s\n' "$*" >&2; }

wait_for() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.25
    done
}

# iperf_mbits SERVER_NS CLIENT_NS ADDRESS [IPERF OPTIONS...]: received Mbit/s, or "n/a".
iperf_mbits() {
    local server_ns=$1 client_ns=$2 address=$3; shift 3
    ip netns exec "$server_ns" timeout $((SECONDS_PER_RUN + 30)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
    local server=$!
    PIDS+=("$server")
    wait_for 10 ip netns exec "$server_ns" sh -c 'ss -Hltn "sport = :5201" | grep -q 5201' || { echo n/a; return; }
    local out
    out=$(ip netns exec "$client_ns" timeout $((SECONDS_PER_RUN + 20)) iperf3 -c "$address" -p 5201 -t "$SECONDS_PER_RUN" -f m "$@" 2>&1) || { log "iperf3 $* to $address failed: $out"; echo n/a; wait "$server" 2>/dev/null || true; return; }
    wait "$server" 2>/dev/null || true
    awk '/receiver/ { v = $(NF-2) } END { if (v == "") print "n/a"; else print v }' <<<"$out"
}

# ping_ms NS ADDRESS: average RTT in ms over 20 pings, or "n/a".
ping_ms() {
    local out
    out=$(ip netns exec "$1" ping -c 20 -i 0.2 -W 2 "$2" 2>&1) || { echo n/a; return; }
    sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$out"
}

# measure NAME SERVER_ADDRESS: one table row's raw numbers into RESULTS[NAME.*].
declare -A RESULTS
measure() {
    local name=$1 address=$2
    log "$name: iperf3 (${SECONDS_PER_RUN}s) to $address"
    RESULTS[$name.single]=$(iperf_mbits "$NS_A" "$NS_B" "$address")
    log "$name: iperf3 -P 4"
    RESULTS[$name.parallel]=$(iperf_mbits "$NS_A" "$NS_B" "$address" -P 4)
    log "$name: iperf3 -R"
    RESULTS[$name.reverse]=$(iperf_mbits "$NS_A" "$NS_B" "$address" -R)
    log "$name: ping x20"
    RESULTS[$name.ping]=$(ping_ms "$NS_B" "$address")
}
skip() { local name=$1; for k in single parallel reverse ping; do RESULTS[$name.$k]=n/a; done; }

log "namespaces $NS_A, $NS_B over veth ($IP_A <-> $IP_B)"
ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B"
ip -n "$NS_A" addr add "$IP_A/24" dev "$VETH_A"
ip -n "$NS_B" addr add "$IP_B/24" dev "$VETH_B"
for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
ip -n "$NS_A" link set "$VETH_A" up
ip -n "$NS_B" link set "$VETH_B" up

# --- direct
measure direct "$IP_A"

# --- weft
setup_weft() {
    local weft
    if [[ -n ${WEFT_BIN:-} ]]; then
        weft=("$WEFT_BIN")
    else
        dotnet build src/Weft -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { log "weft build failed: $WORK/build.log"; return 1; }
        weft=(dotnet "$PWD/src/Weft/bin/Release/net10.0/weft.dll")
    fi
    local sa="$WORK/A" sb="$WORK/B"
    ip netns exec "$NS_A" "${weft[@]}" init --mesh bench --name a --ipv4 100.90.0.0/16 --domain weft --state "$sa" >&2 || return 1
    ip netns exec "$NS_A" "${weft[@]}" up --state "$sa" >"$WORK/a.log" 2>&1 &
    PIDS+=($!)
    wait_for 30 ip netns exec "$NS_A" "${weft[@]}" status --json --state "$sa" || return 1
    ip netns exec "$NS_B" "${weft[@]}" join --request --state "$sb" >"$WORK/b.req" || return 1
    ip netns exec "$NS_A" "${weft[@]}" sign --name b --groups bench --state "$sa" "$WORK/b.req" >"$WORK/b.bundle" || return 1
    ip netns exec "$NS_B" "${weft[@]}" join --cert "$WORK/b.bundle" --state "$sb" >&2 || return 1
    ip netns exec "$NS_B" "${weft[@]}" up --peer "$IP_A:51820" --state "$sb" >"$WORK/b.log" 2>&1 &
    PIDS+=($!)
    WEFT_A_IP=$(ip netns exec "$NS_A" "${weft[@]}" status --json --state "$sa" | grep -oE '"ipv4": *"[^"]*"' | head -n 1 | sed -E 's/.*"([^"/]*)(\/[0-9]+)?"$/\1/')
    [[ -n $WEFT_A_IP ]] || return 1
    wait_for 30 ip netns exec "$NS_B" ping -c 1 -W 1 "$WEFT_A_IP"
}
if setup_weft; then
    measure weft "$WEFT_A_IP"
else
    log "weft could not be set up; its row is n/a (logs: A $(tail -n 3 "$WORK/a.log" 2>/dev/null | tr '\n' ' '))"
    skip weft
fi

# --- wireguard-go (port 51821, tunnel 10.99.0.0/24)
setup_wireguard_go() {
    local ka kb pa pb
    ka=$(wg genkey); kb=$(wg genkey)
    pa=$(wg pubkey <<<"$ka"); pb=$(wg pubkey <<<"$kb")
    printf '%s\n' "$ka" >"$WORK/wg-a.key"; printf '%s\n' "$kb" >"$WORK/wg-b.key"
    ip netns exec "$NS_A" wireguard-go -f "$WG_A" >"$WORK/wg-a.log" 2>&1 &
    PIDS+=($!)
    ip netns exec "$NS_B" wireguard-go -f "$WG_B" >"$WORK/wg-b.log" 2>&1 &
    PIDS+=($!)
    wait_for 10 test -S "/var/run/wireguard/$WG_A.sock" || return 1
    wait_for 10 test -S "/var/run/wireguard/$WG_B.sock" || return 1
    ip netns exec "$NS_A" wg set "$WG_A" listen-port 51821 private-key "$WORK/wg-a.key" peer "$pb" allowed-ips 10.99.0.2/32
    ip netns exec "$NS_B" wg set "$WG_B" listen-port 51821 private-key "$WORK/wg-b.key" peer "$pa" allowed-ips 10.99.0.1/32 endpoint "$IP_A:51821"
    ip -n "$NS_A" addr add 10.99.0.1/24 dev "$WG_A"
    ip -n "$NS_B" addr add 10.99.0.2/24 dev "$WG_B"
    ip -n "$NS_A" link set "$WG_A" mtu 1420 up
    ip -n "$NS_B" link set "$WG_B" mtu 1420 up
    wait_for 20 ip netns exec "$NS_B" ping -c 1 -W 1 10.99.0.1
}
if setup_wireguard_go; then
    measure wireguard-go 10.99.0.1
else
    log "wireguard-go could not be set up; its row is n/a"
    skip wireguard-go
fi

# --- the table
gbit() {
    if [[ $1 == n/a ]]; then echo n/a; else awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; fi
}
ratio() {
    if [[ $1 != n/a && $2 != n/a && $2 != 0 ]]; then awk -v a="$1" -v b="$2" 'BEGIN { printf " (%.0f%%)", 100 * a / b }'; fi
}
cell() { echo "$(gbit "${RESULTS[$1.$2]}")$(ratio "${RESULTS[$1.$2]}" "${RESULTS[direct.$2]}")"; }

echo
echo "Throughput between two namespaces over veth, iperf3 ${SECONDS_PER_RUN} s, Gbit/s (percent of direct); ping: average RTT of 20."
echo "$(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%d)."
echo
echo "| path | iperf3 | iperf3 -P 4 | iperf3 -R | ping avg (ms) |"
echo "|---|---|---|---|---|"
for name in direct weft wireguard-go; do
    echo "| $name | $(cell "$name" single) | $(cell "$name" parallel) | $(cell "$name" reverse) | ${RESULTS[$name.ping]} |"
done
