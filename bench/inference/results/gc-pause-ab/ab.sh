#!/usr/bin/env bash
# The interleaved A/B behind docs/inference.md, "Young pauses at one connection": the same jar, G1's default pause
# goal (200 ms; bin/trainyard now sets 10, so the default is passed back explicitly) against 10 ms, two rounds.
# (Run at the time with the probe's first version, which differed only in its file names.)
for r in 1 2; do
  for cfg in default p10; do
    goal=200; [ $cfg = p10 ] && goal=10
    OUT=/tmp/gcab/r$r-$cfg EXTRA_JAVA="-XX:MaxGCPauseMillis=$goal" bench/inference/tail-probe.sh
  done
done
