#!/bin/bash
# tests/bench/relay_codec/run.sh - build the project library and the relay codec benchmark,
# run it for 1400-byte frames (the default max_frame_size), jumbo frames and a 20% IPv6 mix.
#   tests/bench/relay_codec/run.sh [entries]        (BUILD: build dir, default build)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
N=${1:-2000000}
make --no-print-directory -s BUILD="$BUILD" "$BUILD/libtandem.a"
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2046
cc -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -I. -o "$BUILD/bench/bench_relay_codec" \
	"$HERE/bench_relay_codec.c" "$BUILD/libtandem.a" $(pkg-config --libs openssl)
grep -m1 'model name' /proc/cpuinfo | sed 's/^.*: /cpu: /'
grep -q sha_ni /proc/cpuinfo && echo "cpu has SHA extensions (sha_ni)" || echo "cpu without SHA extensions"
"$BUILD/bench/bench_relay_codec" "$N" 1400 0
"$BUILD/bench/bench_relay_codec" "$N" 8972 0
"$BUILD/bench/bench_relay_codec" "$N" 1400 20
