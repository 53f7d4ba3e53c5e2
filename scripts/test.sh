#!/usr/bin/env bash
# The test command of the README: installs the programs the system tests drive (when run as root
# and something is missing), restores, builds the whole solution in Release, runs every test
# project, and ends with one line: "N passed, N failed, N skipped". Exits non-zero if anything failed.
#
#   sudo bash scripts/test.sh            # everything (system tests need root)
#   CI=true bash scripts/test.sh         # as in CI: a missing precondition fails instead of skipping
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(iproute2 nftables iperf3 iputils-ping wireguard-go wireguard-tools procps socat openssh-server openssh-client python3 miniupnpd-nftables jq clang zlib1g-dev)

missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            printf '%s\n' "$pkg"
        fi
    done
}

install_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "test.sh: not a Debian/Ubuntu system; make sure these are installed: ${PACKAGES[*]}" >&2
        return
    fi
    local missing
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        return
    fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "test.sh: not root, cannot install: ${missing[*]} (tests that need them will skip)" >&2
        return
    fi
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}

install_packages

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet restore Weft.slnx
dotnet build Weft.slnx -c Release --no-restore

log="$results/dotnet-test.log"
set +e
# The mesh scale report (trait Category=Scale) takes many minutes at 1000 nodes: bench/scale.sh runs it.
dotnet test --solution Weft.slnx -c Release --no-build --results-directory "$results" -- --report-xunit-trx \
    --filter-not-trait "Category=Scale" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Count from the runner's final summary block ("total: / failed: / succeeded: / skipped:");
# fall back to the TRX reports (one per test project) when there is none.
summary_value() { grep -E "^[[:space:]]+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' || true; }
passed=$(summary_value succeeded)
failed=$(summary_value failed)
skipped=$(summary_value skipped)
if [[ -z $passed || -z $failed || -z $skipped ]]; then
    passed=0 failed=0 skipped=0
    shopt -s nullglob
    for trx in "$results"/*.trx "$results"/*/*.trx; do
        counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1) || continue
        trx_value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
        passed=$((passed + $(trx_value passed)))
        failed=$((failed + $(trx_value failed) + $(trx_value error) + $(trx_value timeout) + $(trx_value aborted)))
        skipped=$((skipped + $(trx_value notExecuted)))
    done
fi

if [[ $status -ne 0 && $failed -eq 0 ]]; then
    echo "test.sh: dotnet test exited with $status although no test failed (build or test host error; see $log)" >&2
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [[ $failed -ne 0 ]]; then
    exit 1
fi
exit "$status"
