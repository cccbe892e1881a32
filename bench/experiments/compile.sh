# Sourced by an experiment's run.sh: from the repository root, compiles that experiment's *.java into
# target/<experiment> against the project's classes and runtime classpath. Leaves $root, $out and $cp set.
set -euo pipefail
exp_dir="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
root="$(cd "$exp_dir/../../.." && pwd)"
cd "$root"
[ -s target/bench-classpath.txt ] || ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
out="target/$(basename "$exp_dir")" && mkdir -p "$out"
cp="target/classes:$(cat target/bench-classpath.txt)"
javac -nowarn -d "$out" -cp "$cp" "$exp_dir"/*.java
