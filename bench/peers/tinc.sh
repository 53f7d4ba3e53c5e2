# shellcheck shell=bash disable=SC2034,SC2154  # sourced by throughput.sh, which declares VERSIONS and reads PEER_ADDRESS
# tinc 1.0 between the bench namespaces, sourced by bench/throughput.sh (uses its NS_A, NS_B, IP_A, WORK,
# start, wait_tunnel; sets PEER_ADDRESS and VERSIONS). Two daemons in router mode, net directories in the
# temp dir (tincd -c), RSA keys from `tincd -K`; B connects to A on port 51824; tunnel 10.97.0.0/24.
# tinc-up gives each tun device its address; the device MTU is left as tincd creates it.

# tinc_host SIDE ADDRESS: writes <dir SIDE>/tinc.conf, hosts/SIDE and the key pair.
tinc_host() {
    local side=$1 address=$2 dir="$WORK/tinc-$1"
    mkdir -p "$dir/hosts"
    {
        echo "Name = $side"
        echo "Mode = router"
        echo "AddressFamily = ipv4"
        echo "Interface = wbtinc$$$side"
        if [[ $side == b ]]; then echo "ConnectTo = a"; fi
    } >"$dir/tinc.conf"
    {
        if [[ $side == a ]]; then echo "Address = $IP_A"; fi
        echo "Port = 51824"
        echo "Subnet = $address/32"
    } >"$dir/hosts/$side"
    # shellcheck disable=SC2016  # $INTERFACE is for tinc-up, set by tincd
    printf '#!/bin/sh\nip addr add %s/24 dev "$INTERFACE"\nip link set "$INTERFACE" up\n' "$address" >"$dir/tinc-up"
    chmod 755 "$dir/tinc-up"
    tincd -c "$dir" -K </dev/null >/dev/null 2>&1
}

setup_tinc() {
    VERSIONS[tinc]=$(dpkg-query -W -f='${Version}' tinc)
    tinc_host a 10.97.0.1 || return 1
    tinc_host b 10.97.0.2 || return 1
    cp "$WORK/tinc-a/hosts/a" "$WORK/tinc-b/hosts/a"
    cp "$WORK/tinc-b/hosts/b" "$WORK/tinc-a/hosts/b"
    start "$NS_A" a tincd -D -c "$WORK/tinc-a" --pidfile="$WORK/tinc-a.pid"
    start "$NS_B" b tincd -D -c "$WORK/tinc-b" --pidfile="$WORK/tinc-b.pid"
    wait_tunnel "$NS_B" 10.97.0.1 || return 1
    PEER_ADDRESS=10.97.0.1
}
