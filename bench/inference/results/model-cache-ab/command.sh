# /tmp/base.jar: the nineteenth session's final build, Caffeine model cache (git worktree add /tmp/wt-base 66a7bcf; cd /tmp/wt-base; ./mvnw -o -DskipTests package)
# /tmp/new.jar: this session's LoadingLru model cache at aa821c2 (./mvnw -o -DskipTests package), both copied from target/
cd /work/main
for round in 1 2; do
  for which in base new; do
    echo "== round $round $which"
    OUT_DIR=$PWD/bench/inference/results/model-cache-ab/$which-$round JAR=/tmp/$which.jar BATCHING="true false" CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh 2>&1 | grep "^|"
  done
done
echo ab done
# A third round, the other way round (new first), after round 2's new came out 10 % below base:
for which in new base; do
  echo "== round 3 $which"
  OUT_DIR=$PWD/bench/inference/results/model-cache-ab/$which-3 JAR=/tmp/$which.jar BATCHING="true false" CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh 2>&1 | grep "^|"
done
echo round 3 done
