#!/usr/bin/env bash
# Throughput, latency and cost between two network namespaces over a veth pair, in one run, for:
#   direct        the veth itself (the ceiling),
#   weft          two weft members (A created the mesh, B joined),
#   wireguard-go  two wireguard-go peers (the stock userspace WireGuard),
#   yggdrasil     two Yggdrasil nodes peered over TCP, at its default tunnel MTU, and again at MTU 1420,
#   nebula        two Nebula hosts (A is the lighthouse),
#   tinc          two tinc 1.0 daemons in router mode,
# each with iperf3 (default, -P 4, -R; 10 s each) and ping (20 pings, average RTT). For every VPN it also
# reports the CPU seconds its processes (both ends) spent per GB that iperf3 received, and their summed
# resident memory idle (after setup) and at the peak seen while iperf3 runs (sampled every 0.5 s).
# Prints one markdown table with Gbit/s and each figure's ratio to direct, then the machine and each
# peer's version and tunnel MTU.
#
# Needs root; installs what it needs from the Debian archive (without starting the packages' system
# services); removes its namespaces, processes and temp files on exit or Ctrl-C. A path that cannot be
# set up is reported as n/a with a log line saying why, and the others are still measured. Each VPN is
# stopped before the next one starts, so idle daemons do not compete for the CPU.
#
#   sudo bash bench/throughput.sh            # weft is the NativeAOT binary from scripts/publish.sh; WEFT_BIN=/path/to/weft
#                                            # (or WEFT_BIN="dotnet src/Weft/bin/Release/net10.0/weft.dll") to use another
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $(id -u) -ne 0 ]]; then
    echo "throughput.sh: needs root: sudo bash bench/throughput.sh" >&2
    exit 1
fi

log() { printf '[bench] %s\n' "$*" >&2; }

PACKAGES=(iproute2 iperf3 iputils-ping jq wireguard-go wireguard-tools yggdrasil nebula tinc)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing ${missing[*]}"
    # yggdrasil and tinc ship system services that their install scripts would start; a policy-rc.d
    # that refuses (exit 101) keeps them stopped. Only ours is removed again.
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [[ ! -e $policy ]]; then
        trap 'rm -f "$policy"' EXIT
        trap 'exit 130' INT TERM
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=true
    fi
    rc=0
    { DEBIAN_FRONTEND=noninteractive apt-get update &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
    if $own_policy; then rm -f "$policy"; trap - EXIT; fi
    ((rc == 0)) || { log "apt-get failed ($rc)"; exit 1; }
fi

SECONDS_PER_RUN=${BENCH_SECONDS:-10}   # BENCH_SECONDS=2 for a quick check of the setup
# BENCH_ONLY=weft,wireguard-go measures only those rows (besides direct), for a quick comparison
CLK_TCK=$(getconf CLK_TCK)
NS_A="weftbench$$a"
NS_B="weftbench$$b"
VETH_A="wbench$$a"
VETH_B="wbench$$b"
IP_A=10.213.251.1
IP_B=10.213.251.2
WORK=$(mktemp -d /tmp/weft-bench.XXXXXX)
PIDS=()     # every process this script started and may still have to stop
VPN_PIDS=() # the current VPN's daemons (both ends): what CPU and RSS are measured on

# stop_pids PID...: TERM, up to 5 s grace, then KILL; each PID is dropped from PIDS.
stop_pids() {
    local pid p keep
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        keep=()
        for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
        PIDS=("${keep[@]}")
    done
}

cleanup() {
    trap - EXIT INT TERM
    [[ ${#PIDS[@]} -eq 0 ]] || stop_pids "${PIDS[@]}"
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.25
    done
}

# start NS SIDE COMMAND...: runs COMMAND in the background inside namespace NS (ip netns exec execs it,
# so $! is the daemon itself), logging to $WORK/<setup function>-SIDE.log; records it in PIDS and VPN_PIDS.
start() {
    local ns=$1 side=$2; shift 2
    ip netns exec "$ns" "$@" >"$WORK/$SETUP-$side.log" 2>&1 &
    PIDS+=($!)
    VPN_PIDS+=($!)
}

# wait_tunnel NS ADDRESS: true once ADDRESS answers a ping from NS (up to 30 s); false at once if one of
# the VPN's daemons has exited, naming it.
wait_tunnel() {
    local ns=$1 address=$2 pid deadline=$((SECONDS + 30))
    until ip netns exec "$ns" ping -c 1 -W 1 "$address" >/dev/null 2>&1; do
        for pid in "${VPN_PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null || { log "$SETUP: daemon $pid exited"; return 1; }
        done
        ((SECONDS < deadline)) || { log "$SETUP: $address unreachable from $ns after 30 s"; return 1; }
        sleep 0.25
    done
}

# --- measurements

# cpu_ticks PID...: utime+stime (clock ticks, all threads) summed over the processes.
cpu_ticks() {
    local pid stat total=0 f
    for pid in "$@"; do
        stat=$(<"/proc/$pid/stat") || continue
        stat=${stat##*) }          # the fields after "pid (comm) "; comm may contain spaces
        read -r -a f <<<"$stat"    # f[0] is field 3 (state), so utime (14) and stime (15) are f[11], f[12]
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# rss_kb PID...: VmRSS summed over the processes, kB.
rss_kb() {
    local pid total=0 kb
    for pid in "$@"; do
        kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || kb=0
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}

# rss_sampler OUT STOPFILE PID...: every 0.5 s writes the largest summed RSS seen so far to OUT, until
# STOPFILE exists (at most 3 runs' worth of time plus slack).
rss_sampler() {
    local out=$1 stop=$2; shift 2
    local max=0 now
    for _ in $(seq $((2 * 3 * (SECONDS_PER_RUN + 40)))); do
        [[ -e $stop ]] && break
        now=$(rss_kb "$@")
        ((now > max)) && max=$now
        echo "$max" >"$out"
        sleep 0.5
    done
}

# iperf_run SERVER_NS CLIENT_NS ADDRESS [IPERF OPTIONS...]: sets IPERF_MBITS (received Mbit/s) and
# IPERF_BYTES (bytes received), both "n/a" on failure.
iperf_run() {
    local server_ns=$1 client_ns=$2 address=$3; shift 3
    IPERF_MBITS=n/a IPERF_BYTES=n/a
    ip netns exec "$server_ns" timeout $((SECONDS_PER_RUN + 30)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
    local server=$!
    PIDS+=("$server")
    if ! wait_for 10 ip netns exec "$server_ns" sh -c 'ss -Hltn "sport = :5201" | grep -q 5201'; then
        log "iperf3 server in $server_ns did not start"
        stop_pids "$server"
        return
    fi
    local out
    if ! out=$(ip netns exec "$client_ns" timeout $((SECONDS_PER_RUN + 20)) iperf3 -c "$address" -p 5201 -t "$SECONDS_PER_RUN" -J "$@" 2>&1); then
        log "iperf3 $* to $address failed: $(jq -r '.error // empty' <<<"$out" 2>/dev/null || echo "$out" | tail -n 2)"
        stop_pids "$server"
        return
    fi
    stop_pids "$server"
    IPERF_MBITS=$(jq -r '.end.sum_received.bits_per_second / 1e6' <<<"$out")
    IPERF_BYTES=$(jq -r '.end.sum_received.bytes' <<<"$out")
}

# ping_ms NS ADDRESS: average RTT in ms over 20 pings, or "n/a".
ping_ms() {
    local out
    out=$(ip netns exec "$1" ping -c 20 -i 0.2 -W 2 "$2" 2>&1) || { echo n/a; return; }
    sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$out"
}

# mtu_of NS ADDRESS: MTU of the interface in NS that holds ADDRESS.
mtu_of() {
    local dev
    dev=$(ip -n "$1" -o addr show | awk -v a="$2" '{ split($4, p, "/"); if (p[1] == a) { print $2; exit } }')
    [[ -n $dev ]] && ip -n "$1" -o link show dev "$dev" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

# measure NAME SERVER_ADDRESS: one table row's raw numbers into RESULTS[NAME.*]; CPU and RSS of VPN_PIDS
# (none for direct). The server runs in A, the client in B; -R reverses the data direction.
declare -A RESULTS
ROWS=()
measure() {
    local name=$1 address=$2
    local ticks0 ticks1 stop="$WORK/$name.rss-stop" peak="$WORK/$name.rss-peak" sampler=""
    local bytes=0 ok=true key
    ROWS+=("$name")
    RESULTS[$name.mtu]=$(mtu_of "$NS_A" "$address" || true)
    if [[ ${#VPN_PIDS[@]} -gt 0 ]]; then
        RESULTS[$name.rss_idle]=$(rss_kb "${VPN_PIDS[@]}")
        ticks0=$(cpu_ticks "${VPN_PIDS[@]}")
        rss_sampler "$peak" "$stop" "${VPN_PIDS[@]}" &
        sampler=$!
        PIDS+=("$sampler")
    fi
    for key in single parallel reverse; do
        case $key in
            single) log "$name: iperf3 (${SECONDS_PER_RUN}s) to $address"; iperf_run "$NS_A" "$NS_B" "$address" ;;
            parallel) log "$name: iperf3 -P 4"; iperf_run "$NS_A" "$NS_B" "$address" -P 4 ;;
            reverse) log "$name: iperf3 -R"; iperf_run "$NS_A" "$NS_B" "$address" -R ;;
        esac
        RESULTS[$name.$key]=$IPERF_MBITS
        if [[ $IPERF_BYTES == n/a ]]; then ok=false; else bytes=$((bytes + IPERF_BYTES)); fi
    done
    if [[ -n $sampler ]]; then
        local pid
        for pid in "${VPN_PIDS[@]}"; do
            # A daemon that died took its CPU time with it: no CPU figure rather than a wrong one.
            kill -0 "$pid" 2>/dev/null || { log "$name: daemon $pid exited during the runs"; ok=false; }
        done
        ticks1=$(cpu_ticks "${VPN_PIDS[@]}")
        touch "$stop"
        wait "$sampler" 2>/dev/null || true
        stop_pids "$sampler"
        RESULTS[$name.rss_load]=$(<"$peak")
        if $ok && ((bytes > 0)); then
            RESULTS[$name.cpu_per_gb]=$(awk -v t=$((ticks1 - ticks0)) -v hz="$CLK_TCK" -v b="$bytes" 'BEGIN { printf "%.1f", (t / hz) / (b / 1e9) }')
        fi
    fi
    log "$name: ping x20"
    RESULTS[$name.ping]=$(ping_ms "$NS_B" "$address")
}
skip() { ROWS+=("$1"); RESULTS[$1.single]=n/a RESULTS[$1.parallel]=n/a RESULTS[$1.reverse]=n/a RESULTS[$1.ping]=n/a; }

# run NAME SETUP_FUNCTION: sets the VPN up (the function leaves the server address in PEER_ADDRESS),
# measures it and stops its daemons; n/a with the reason on failure.
run() {
    local name=$1 setup=$2
    if [[ -n ${BENCH_ONLY:-} && ",$BENCH_ONLY," != *",$name,"* ]]; then
        return 0
    fi
    VPN_PIDS=() PEER_ADDRESS="" SETUP=$setup
    log "$name: setting up"
    if $setup && [[ -n $PEER_ADDRESS ]]; then
        measure "$name" "$PEER_ADDRESS"
    else
        log "$name could not be set up; its row is n/a (logs: $(tail -q -n 2 "$WORK/$setup"-*.log 2>/dev/null | tr '\n' ' '))"
        skip "$name"
    fi
    [[ ${#VPN_PIDS[@]} -eq 0 ]] || stop_pids "${VPN_PIDS[@]}"
    VPN_PIDS=()
}

log "namespaces $NS_A, $NS_B over veth ($IP_A <-> $IP_B)"
# shellcheck source=bench/lib/veth-pair.sh
source bench/lib/veth-pair.sh
veth_pair "$NS_A" "$NS_B" "$VETH_A" "$VETH_B" "$IP_A" "$IP_B"

declare -A VERSIONS

# --- direct
measure direct "$IP_A"

# --- weft (UDP 51820, tunnel 100.90.0.0/16)
setup_weft() {
    local weft
    if [[ -n ${WEFT_BIN:-} ]]; then
        read -r -a weft <<<"$WEFT_BIN"   # a path, or a command such as "dotnet path/weft.dll"
        VERSIONS[weft]=$(basename "$WEFT_BIN")
    else
        # The shipping binary (NativeAOT), as users get it; WEFT_BIN="dotnet src/Weft/bin/Release/net10.0/weft.dll" for the JIT.
        local published
        published=$(bash scripts/publish.sh "$WORK/weft-bin" 2>"$WORK/weft-build.log") || { log "weft publish failed: $(tail -n 3 "$WORK/weft-build.log")"; return 1; }
        weft=("$(head -n 1 <<<"$published")")
        VERSIONS[weft]="git $(git rev-parse --short HEAD 2>/dev/null || echo unknown), NativeAOT"
    fi
    local sa="$WORK/weft-A" sb="$WORK/weft-B"
    ip netns exec "$NS_A" "${weft[@]}" init --mesh bench --name a --ipv4 100.90.0.0/16 --domain weft --state "$sa" >&2 || return 1
    start "$NS_A" a "${weft[@]}" up --state "$sa"
    wait_for 30 ip netns exec "$NS_A" "${weft[@]}" status --json --state "$sa" || return 1
    ip netns exec "$NS_B" "${weft[@]}" join --request --state "$sb" >"$WORK/b.req" || return 1
    ip netns exec "$NS_A" "${weft[@]}" sign --name b --groups bench --state "$sa" "$WORK/b.req" >"$WORK/b.bundle" || return 1
    ip netns exec "$NS_B" "${weft[@]}" join --cert "$WORK/b.bundle" --state "$sb" >&2 || return 1
    start "$NS_B" b "${weft[@]}" up --peer "$IP_A:51820" --state "$sb"
    local address
    address=$(ip netns exec "$NS_A" "${weft[@]}" status --json --state "$sa" | grep -oE '"ipv4": *"[^"]*"' | head -n 1 | sed -E 's/.*"([^"/]*)(\/[0-9]+)?"$/\1/')
    [[ -n $address ]] || return 1
    wait_tunnel "$NS_B" "$address" || return 1
    PEER_ADDRESS=$address
}
run weft setup_weft

# --- wireguard-go (UDP 51821, tunnel 10.99.0.0/24)
setup_wireguard_go() {
    local ka kb pa pb wg_a="wbgo$$a" wg_b="wbgo$$b"
    VERSIONS[wireguard-go]=$(dpkg-query -W -f='${Version}' wireguard-go)
    ka=$(wg genkey); kb=$(wg genkey)
    pa=$(wg pubkey <<<"$ka"); pb=$(wg pubkey <<<"$kb")
    printf '%s\n' "$ka" >"$WORK/wg-a.key"; printf '%s\n' "$kb" >"$WORK/wg-b.key"
    start "$NS_A" a wireguard-go -f "$wg_a"
    start "$NS_B" b wireguard-go -f "$wg_b"
    wait_for 10 test -S "/var/run/wireguard/$wg_a.sock" || return 1
    wait_for 10 test -S "/var/run/wireguard/$wg_b.sock" || return 1
    ip netns exec "$NS_A" wg set "$wg_a" listen-port 51821 private-key "$WORK/wg-a.key" peer "$pb" allowed-ips 10.99.0.2/32 || return 1
    ip netns exec "$NS_B" wg set "$wg_b" listen-port 51821 private-key "$WORK/wg-b.key" peer "$pa" allowed-ips 10.99.0.1/32 endpoint "$IP_A:51821" || return 1
    ip -n "$NS_A" addr add 10.99.0.1/24 dev "$wg_a" || return 1
    ip -n "$NS_B" addr add 10.99.0.2/24 dev "$wg_b" || return 1
    ip -n "$NS_A" link set "$wg_a" mtu 1420 up || return 1
    ip -n "$NS_B" link set "$wg_b" mtu 1420 up || return 1
    wait_tunnel "$NS_B" 10.99.0.1 || return 1
    PEER_ADDRESS=10.99.0.1
}
run wireguard-go setup_wireguard_go

# --- the peers from bench/peers/ (each file defines one setup_* function; ports and subnets in each)
for peer in bench/peers/*.sh; do
    # shellcheck source=/dev/null
    source "$peer"
done
run yggdrasil setup_yggdrasil
run "yggdrasil (mtu 1420)" setup_yggdrasil_1420
run nebula setup_nebula
run tinc setup_tinc

# --- the table
gbit() {
    if [[ $1 == n/a ]]; then echo n/a; else awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; fi
}
ratio() {
    if [[ $1 != n/a && $2 != n/a && $2 != 0 ]]; then awk -v a="$1" -v b="$2" 'BEGIN { printf " (%.0f%%)", 100 * a / b }'; fi
}
cell() { echo "$(gbit "${RESULTS[$1.$2]}")$(ratio "${RESULTS[$1.$2]}" "${RESULTS[direct.$2]}")"; }
mb() { if [[ -n ${1:-} ]]; then awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; else echo n/a; fi; }
label() {
    # Yggdrasil's default tunnel MTU is far from everyone else's, so its row names it.
    if [[ $1 == yggdrasil && -n ${RESULTS[$1.mtu]:-} ]]; then echo "yggdrasil (mtu ${RESULTS[$1.mtu]})"; else echo "$1"; fi
}

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
peers_line=""
for name in "${ROWS[@]}"; do
    [[ $name == direct || $name == "yggdrasil (mtu 1420)" ]] && continue
    version=${VERSIONS[$name]:-$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || echo unknown)}
    peers_line+="${peers_line:+; }$name $version, mtu ${RESULTS[$name.mtu]:-n/a}"
done

echo
echo "Between two namespaces over veth: iperf3 ${SECONDS_PER_RUN} s, Gbit/s received (percent of direct); ping: average RTT of 20;"
echo "CPU: user+system seconds of the VPN's processes at both ends over the three iperf3 runs, per GB (10^9 bytes) received;"
echo "RSS: summed VmRSS of those processes, idle after setup and the peak sampled every 0.5 s under load."
echo "Machine: $(nproc) CPUs, ${cpu_model:-unknown CPU}, kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')."
echo "Peers: $peers_line."
echo
echo "| path | iperf3 | iperf3 -P 4 | iperf3 -R | ping avg ms | CPU s/GB | RSS idle MB | RSS load MB |"
echo "|---|---|---|---|---|---|---|---|"
for name in "${ROWS[@]}"; do
    if [[ $name == direct ]]; then
        cpu="-" idle="-" load="-"
    else
        cpu=${RESULTS[$name.cpu_per_gb]:-n/a} idle=$(mb "${RESULTS[$name.rss_idle]:-}") load=$(mb "${RESULTS[$name.rss_load]:-}")
    fi
    echo "| $(label "$name") | $(cell "$name" single) | $(cell "$name" parallel) | $(cell "$name" reverse) | ${RESULTS[$name.ping]} | $cpu | $idle | $load |"
done
