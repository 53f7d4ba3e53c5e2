#!/usr/bin/env bash
# The issue-2 user story, live, on this machine: two network namespaces joined by a veth pair play
# two computers. A creates a mesh, B joins it with a signed certificate, both come up, and they
# ping each other over the mesh (IPv4 and IPv6); then `weft status` from both sides.
# Everything (daemons, namespaces, temp files) is removed on exit or Ctrl-C.
#
#   sudo bash scripts/demo.sh            # WEFT_BIN=/path/to/weft to use a published binary
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $(id -u) -ne 0 ]]; then
    echo "demo.sh: needs root (network namespaces and TUN devices): sudo bash scripts/demo.sh" >&2
    exit 1
fi
for program in ip ping; do
    command -v "$program" >/dev/null || { echo "demo.sh: needs '$program' (apt-get install iproute2 iputils-ping)" >&2; exit 1; }
done

NS_A="weftdemo$$a"
NS_B="weftdemo$$b"
VETH_A="wdemo$$a"
VETH_B="wdemo$$b"
IP_A=10.213.250.1
IP_B=10.213.250.2
WORK=$(mktemp -d /tmp/weft-demo.XXXXXX)
SA="$WORK/A" SB="$WORK/B"
PIDS=()

cleanup() {
    local pid
    trap - EXIT INT TERM
    echo
    echo "== cleaning up"
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
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
trap 'echo "demo.sh: a step failed (line $LINENO): $BASH_COMMAND" >&2' ERR

step() { printf '\n== %s\n' "$*"; }

# weft NS STATE ARGS...: run weft inside a namespace against a state directory.
if [[ -n ${WEFT_BIN:-} ]]; then
    WEFT=("$WEFT_BIN")
else
    step "building weft"
    dotnet build src/Weft -c Release -nologo -v quiet
    WEFT=(dotnet "$PWD/src/Weft/bin/Release/net10.0/weft.dll")
fi
weft() { local ns=$1 state=$2; shift 2; ip netns exec "$ns" "${WEFT[@]}" "$@" --state "$state"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.25 s until it succeeds.
wait_for() {
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            echo "demo.sh: timed out after ${seconds}s waiting for: $what" >&2
            return 1
        fi
        sleep 0.25
    done
}
has_handshake() { weft "$1" "$2" status --json | grep -Eq '"lastHandshake": *"'; }

step "two namespaces ($NS_A, $NS_B) joined by a veth pair ($IP_A <-> $IP_B)"
ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B"
ip -n "$NS_A" addr add "$IP_A/24" dev "$VETH_A"
ip -n "$NS_B" addr add "$IP_B/24" dev "$VETH_B"
for ns in "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
ip -n "$NS_A" link set "$VETH_A" up
ip -n "$NS_B" link set "$VETH_B" up

step "A: weft init --mesh home --name home --ipv4 100.90.0.0/16 --domain weft"
weft "$NS_A" "$SA" init --mesh home --name home --ipv4 100.90.0.0/16 --domain weft

step "A: weft up (log: $WORK/a.log)"
ip netns exec "$NS_A" "${WEFT[@]}" up --state "$SA" >"$WORK/a.log" 2>&1 &
PIDS+=($!)
wait_for 30 "A's daemon to answer" weft "$NS_A" "$SA" status --json

step "B: weft join --request > b.req"
weft "$NS_B" "$SB" join --request >"$WORK/b.req"
cat "$WORK/b.req"

step "A: weft sign --name laptop --groups home,ssh b.req > b.bundle"
weft "$NS_A" "$SA" sign --name laptop --groups home,ssh "$WORK/b.req" >"$WORK/b.bundle"
"${WEFT[@]}" cert show "$WORK/b.bundle" || true

step "B: weft join --cert b.bundle"
weft "$NS_B" "$SB" join --cert "$WORK/b.bundle"

step "B: weft up --peer $IP_A:51820 (log: $WORK/b.log)"
ip netns exec "$NS_B" "${WEFT[@]}" up --peer "$IP_A:51820" --state "$SB" >"$WORK/b.log" 2>&1 &
PIDS+=($!)
if ! wait_for 30 "A and B to complete a handshake" has_handshake "$NS_B" "$SB"; then
    echo "--- A's log"; cat "$WORK/a.log"; echo "--- B's log"; cat "$WORK/b.log"
    exit 1
fi

# own_address NS STATE ipv4|ipv6: the node's own address from `weft status --json` (the first such field).
own_address() {
    weft "$1" "$2" status --json | grep -oE "\"$3\": *\"[^\"]*\"" | head -n 1 | sed -E 's/.*"([^"/]*)(\/[0-9]+)?"$/\1/'
}
A_V4=$(own_address "$NS_A" "$SA" ipv4)
A_V6=$(own_address "$NS_A" "$SA" ipv6)
B_V4=$(own_address "$NS_B" "$SB" ipv4)
B_V6=$(own_address "$NS_B" "$SB" ipv6)

ok=0
step "B: ping A over the mesh, IPv4 ($A_V4)"
ip netns exec "$NS_B" ping -c 3 -i 0.3 -W 2 "$A_V4" || ok=1
step "B: ping A over the mesh, IPv6 ($A_V6)"
ip netns exec "$NS_B" ping -c 3 -i 0.3 -W 2 "$A_V6" || ok=1
step "A: ping B over the mesh, IPv4 ($B_V4)"
ip netns exec "$NS_A" ping -c 3 -i 0.3 -W 2 "$B_V4" || ok=1
step "A: ping B over the mesh, IPv6 ($B_V6)"
ip netns exec "$NS_A" ping -c 3 -i 0.3 -W 2 "$B_V6" || ok=1

step "weft status on A"
weft "$NS_A" "$SA" status || ok=1
step "weft status on B"
weft "$NS_B" "$SB" status || ok=1

if [[ $ok -ne 0 ]]; then
    echo "--- A's log"; cat "$WORK/a.log"; echo "--- B's log"; cat "$WORK/b.log"
    step "demo FAILED"
    exit 1
fi
step "demo OK: A and B reach each other over the mesh"
