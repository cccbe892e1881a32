# /tmp/base.jar: the eighteenth session's build (git worktree add /tmp/wt-base 6a32dfe; cd /tmp/wt-base; ./mvnw -o -DskipTests package)
# /tmp/new.jar: this session's build at 6456bb6 (./mvnw -o -DskipTests package), both copied from target/
cd /work/main
for round in 1 2; do
  for which in base new; do
    echo "== round $round $which"
    OUT_DIR=$PWD/bench/inference/results/input-checks-ab/$which-$round JAR=/tmp/$which.jar BATCHING="true false" CONNECTIONS=64 HEALTH=0 RUNS=2 JIT_WARMUP=60s MVN_FLAGS=-o bench/inference/run.sh 2>&1 | grep "^|"
  done
done
