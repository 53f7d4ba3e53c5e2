# shellcheck shell=bash disable=SC2034,SC2154  # sourced by throughput.sh, which declares VERSIONS and reads PEER_ADDRESS
# Nebula between the bench namespaces, sourced by bench/throughput.sh (uses its NS_A, NS_B, IP_A, WORK,
# start, wait_tunnel; sets PEER_ADDRESS and VERSIONS). A CA from `nebula-cert ca`, one signed certificate per
# host; A is the lighthouse and B finds it through static_host_map. UDP 51823, tunnel 10.98.0.0/24, the
# firewall lets everything through, the tunnel MTU is Nebula's default (tun.mtu unset).

# nebula_config SIDE LIGHTHOUSE(true|false): Nebula's YAML configuration for one host, on stdout.
nebula_config() {
    local side=$1 lighthouse=$2 dir="$WORK/nebula"
    cat <<YAML
pki:
  ca: $dir/ca.crt
  cert: $dir/$side.crt
  key: $dir/$side.key
static_host_map:
  "10.98.0.1": ["$IP_A:51823"]
lighthouse:
  am_lighthouse: $lighthouse
  interval: 60
  hosts: $(if $lighthouse; then echo '[]'; else echo '["10.98.0.1"]'; fi)
listen:
  host: 0.0.0.0
  port: 51823
tun:
  dev: wbneb$$$side
logging:
  level: info
firewall:
  outbound:
    - port: any
      proto: any
      host: any
  inbound:
    - port: any
      proto: any
      host: any
YAML
}

setup_nebula() {
    local dir="$WORK/nebula"
    VERSIONS[nebula]=$(dpkg-query -W -f='${Version}' nebula)
    mkdir -p "$dir"
    nebula-cert ca -name weft-bench -duration 24h -out-crt "$dir/ca.crt" -out-key "$dir/ca.key" >&2 || return 1
    nebula-cert sign -ca-crt "$dir/ca.crt" -ca-key "$dir/ca.key" -name a -ip 10.98.0.1/24 -out-crt "$dir/a.crt" -out-key "$dir/a.key" >&2 || return 1
    nebula-cert sign -ca-crt "$dir/ca.crt" -ca-key "$dir/ca.key" -name b -ip 10.98.0.2/24 -out-crt "$dir/b.crt" -out-key "$dir/b.key" >&2 || return 1
    nebula_config a true >"$dir/a.yml"
    nebula_config b false >"$dir/b.yml"
    nebula -test -config "$dir/a.yml" >"$WORK/$SETUP-test.log" 2>&1 || return 1
    start "$NS_A" a nebula -config "$dir/a.yml"
    start "$NS_B" b nebula -config "$dir/b.yml"
    wait_tunnel "$NS_B" 10.98.0.1 || return 1
    PEER_ADDRESS=10.98.0.1
}
