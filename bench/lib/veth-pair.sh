# shellcheck shell=bash
# Two network namespaces joined by a veth pair, for the benchmark scripts (bench/throughput.sh,
# scripts/measure-rss.sh), which source this file and remove the namespaces themselves when they exit.

# veth_pair NS_A NS_B VETH_A VETH_B IP_A IP_B: creates both namespaces (loopback up) and the link, addresses /24.
veth_pair() {
    local ns_a=$1 ns_b=$2 veth_a=$3 veth_b=$4 ip_a=$5 ip_b=$6 ns
    ip netns add "$ns_a"
    ip netns add "$ns_b"
    ip link add "$veth_a" netns "$ns_a" type veth peer name "$veth_b" netns "$ns_b"
    ip -n "$ns_a" addr add "$ip_a/24" dev "$veth_a"
    ip -n "$ns_b" addr add "$ip_b/24" dev "$veth_b"
    for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
    ip -n "$ns_a" link set "$veth_a" up
    ip -n "$ns_b" link set "$veth_b" up
}
