#!/usr/bin/env bash
# Two builds' serving profiles interleaved (new, old; two rounds): throughput, p99, and each side's CPU time per
# request, which resolved what wrk A/Bs of whole servers could not (docs/inference.md, "oneDNN's plain layout on
# AVX2"). Each profile as run.sh takes it (60 s of warm-up, 10 s profiled).
# Usage: [CONNECTIONS=64] [OUT=<folder>] bench/experiments/serving-profile/ab.sh NEW_JAR OLD_JAR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
new="$(realpath "$1")"
old="$(realpath "$2")"
out="${OUT:-$(mktemp -d /tmp/trainyard-profile-ab-XXXX)}"
mkdir -p "$out"
for round in 1 2; do
  for side in new old; do
    if [ "$side" = new ]; then jar_of_side=$new; else jar_of_side=$old; fi
    JAR="$jar_of_side" OUT_DIR="$out/$round-$side" "$here/run.sh" true 10 > "$out/$round-$side.txt" 2>&1
    echo "$round $side: $(grep -E 'Requests/sec|^ +99%|CPU per request' "$out/$round-$side.txt" | tr -s ' ' | tr '\n' ' ')"
  done
done
echo "profiles: $out"
