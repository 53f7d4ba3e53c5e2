#!/usr/bin/env bash
# The main job, live, on this machine: `weft demo` builds a small world in network namespaces — a
# home LAN with two members behind a router, a laptop behind NAT and a stateful firewall, a public
# relay, a host whose UDP is blocked — brings Weft up on every node, prints each node's status and a
# mesh-level ping between every pair with the path it took, and removes everything when it ends or
# on Ctrl-C.
#
#   sudo bash scripts/demo.sh            # extra arguments go to `weft demo` (e.g. --keep)
#   WEFT_BIN=/path/to/weft sudo -E bash scripts/demo.sh   # use a published binary
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $(id -u) -ne 0 ]]; then
    echo "demo.sh: needs root (network namespaces and TUN devices): sudo bash scripts/demo.sh" >&2
    exit 1
fi

if [[ -n ${WEFT_BIN:-} ]]; then
    exec "$WEFT_BIN" demo "$@"
fi

echo "== building weft"
dotnet build src/Weft -c Release -nologo -v quiet
exec dotnet "$PWD/src/Weft/bin/Release/net10.0/weft.dll" demo "$@"
