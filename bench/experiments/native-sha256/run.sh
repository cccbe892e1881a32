#!/usr/bin/env bash
# OpenSSL's SHA-256 (through Java's foreign function API) against the JDK's, twice, in fresh JVMs.
# Usage: bench/experiments/native-sha256/run.sh [ROUNDS (12)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
. bin/java-env.sh
for i in 1 2; do
  "$TRAINYARD_JAVA" --enable-native-access=ALL-UNNAMED bench/experiments/native-sha256/NativeSha256Bench.java "${1:-12}"
done
