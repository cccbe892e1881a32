# Sourced by an experiment's run.sh that runs the project's test classes (BenchMain, the *Bench mains): from the
# repository root, makes sure the test classpath and the test classes exist, and sets the native settings bench/run
# uses (bin/native-env.sh, bin/java-env.sh, two OpenMP threads). Leaves $root and $cp set.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
[ -d target/test-classes/io/trainyard/bench ] || ./mvnw -B -o -q test-compile
unset OPENBLAS_CORETYPE
# shellcheck source=../../bin/native-env.sh
. bin/native-env.sh
# shellcheck source=../../bin/java-env.sh
. bin/java-env.sh
export OMP_NUM_THREADS=2
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
