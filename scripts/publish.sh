#!/usr/bin/env bash
# Builds the shipping weft: a NativeAOT linux-x64 executable (no .NET runtime needed on the target) with the
# libsodium.so it loads beside it, into OUTDIR (default artifacts/weft). Prints the executable's path on the
# first line, then its size. NativeAOT needs clang and zlib1g-dev; when run as root and they are missing they are
# installed from the Debian archive. Trim and AOT warnings fail the build (warnings are errors).
#
#   bash scripts/publish.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:-artifacts/weft}
log() { printf '[publish] %s\n' "$*" >&2; }

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(zlib1g-dev)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        log "NativeAOT needs ${missing[*]}: sudo apt-get install ${missing[*]}"
        exit 1
    fi
    log "installing ${missing[*]}"
    { DEBIAN_FRONTEND=noninteractive apt-get update &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >&2
fi

mkdir -p "$out"
build_log=$(mktemp /tmp/weft-publish.XXXXXX)
trap 'rm -f "$build_log"' EXIT
if ! dotnet publish src/Weft -c Release -r linux-x64 -p:PublishAot=true -o "$out" -nologo >"$build_log" 2>&1; then
    grep -E 'error|warning' "$build_log" >&2 || tail -n 30 "$build_log" >&2
    log "dotnet publish failed"
    exit 1
fi

# ILC and the trimmer treat warnings as errors (IlcTreatWarningsAsErrors follows TreatWarningsAsErrors); show any
# other warning the SDK printed.
grep -E ': warning ' "$build_log" | sort -u >&2 || true
rm -f "$out"/*.pdb   # the referenced projects' managed symbols; a native binary has no use for them
binary=$(cd "$out" && pwd)/weft
[[ -x $binary ]] || { log "no executable at $binary"; exit 1; }
[[ -e "$out/libsodium.so" ]] || { log "libsodium.so missing beside $binary"; exit 1; }
echo "$binary"
echo "size: $(du -h "$binary" | cut -f1) ($(stat -c %s "$binary") bytes) + libsodium.so $(stat -c %s "$out/libsodium.so") bytes"
