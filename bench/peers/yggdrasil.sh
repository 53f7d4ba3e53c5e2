# shellcheck shell=bash disable=SC2034,SC2154  # sourced by throughput.sh, which declares VERSIONS and reads PEER_ADDRESS
# Yggdrasil between the bench namespaces, sourced by bench/throughput.sh (uses its NS_A, NS_B, IP_A, WORK,
# start, wait_tunnel, log; sets PEER_ADDRESS and VERSIONS). Two nodes: A listens on TCP, B peers with it; no
# multicast discovery, no admin socket. Each node's configuration is `yggdrasil -genconf -json` with
# IfName, IfMTU, Listen, Peers, MulticastInterfaces and AdminListen set. The test traffic goes over IPv6
# to A's address in 200::/7 (from `yggdrasil -address`).

# ygg_node NS SIDE PORT MTU LISTEN_JSON PEERS_JSON: writes $WORK/<SETUP>-SIDE.json and starts the node.
ygg_node() {
    local ns=$1 side=$2 port=$3 mtu=$4 listen=$5 peers=$6
    local conf="$WORK/$SETUP-$side.json"
    yggdrasil -genconf -json |
        jq --arg ifname "wbyg${port: -1}$$$side" --argjson mtu "$mtu" --argjson listen "$listen" --argjson peers "$peers" \
            '.IfName = $ifname | .IfMTU = $mtu | .Listen = $listen | .Peers = $peers
             | .MulticastInterfaces = [] | .AdminListen = "none"' >"$conf" || return 1
    start "$ns" "$side" yggdrasil -useconffile "$conf" -logto stdout
}

# setup_yggdrasil_at PORT MTU: both nodes, peered over TCP PORT, tunnels at MTU.
setup_yggdrasil_at() {
    local port=$1 mtu=$2 address
    VERSIONS[yggdrasil]=$(dpkg-query -W -f='${Version}' yggdrasil)
    ygg_node "$NS_A" a "$port" "$mtu" "[\"tcp://$IP_A:$port\"]" '[]' || return 1
    ygg_node "$NS_B" b "$port" "$mtu" '[]' "[\"tcp://$IP_A:$port\"]" || return 1
    address=$(yggdrasil -address -useconffile "$WORK/$SETUP-a.json") || return 1
    [[ $address == 2* ]] || { log "yggdrasil: no address from 'yggdrasil -address' ($address)"; return 1; }
    wait_tunnel "$NS_B" "$address" || return 1
    PEER_ADDRESS=$address
}

# Yggdrasil's own default tunnel MTU (IfMTU 65535 in -genconf; the node clamps it to what it supports).
setup_yggdrasil() { setup_yggdrasil_at 51822 "$(yggdrasil -genconf -json | jq .IfMTU)"; }
# The same at the MTU the WireGuard-style peers use, for a like-for-like comparison.
setup_yggdrasil_1420() { setup_yggdrasil_at 51825 1420; }
