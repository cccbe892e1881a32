# Chooses the Java runtime for the service; sourced by bin/trainyard, ./mvnw and bench/run (POSIX sh: ./mvnw is sh).
# The jar is Java 17 bytecode and runs on 17 and later, but a newer JIT serves more: on the benchmark machine Java 25
# answered about 20 % more inference requests per second than Java 17 (docs/inference.md, "Java 25"); training,
# which runs in native code, is the same on both.
# Picks, in order: TRAINYARD_JAVA (a java binary), $JAVA_HOME/bin/java, the newest JDK under /usr/lib/jvm, java on
# the PATH. Exports TRAINYARD_JAVA, TRAINYARD_JAVA_VERSION (the feature version, e.g. 25) and TRAINYARD_JAVA_FLAGS
# (what that version needs to run DL4J's natives without warnings: JavaCPP loads libraries through System.load and
# reads memory through sun.misc.Unsafe, and on 25 the Vector API the engine's loops use).

_trainyard_release_feature() { # prints the feature version in the JDK folder $1's release file, or nothing
  [ -r "$1/release" ] && sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  return 0
}

_trainyard_java_feature() { # prints the feature version of the java binary $1 (17, 25, ...), or nothing
  local home line
  # Its JDK's release file when there is one (a JVM start costs ~50 ms on every launch and ./mvnw call)
  home=$(readlink -f "$(command -v "$1" 2>/dev/null || echo "$1")" 2>/dev/null) || home=""
  home=${home%/bin/java}
  line=$(_trainyard_release_feature "$home")
  if [ -z "$line" ]; then
    line=$("$1" -version 2>&1 | head -n 1) || return 0
    line=${line#*version \"}
    line=${line%%[.\"-]*}
  fi
  case "$line" in ''|*[!0-9]*) ;; *) echo "$line" ;; esac
}

_trainyard_newest_jdk() { # prints the java binary of the newest JDK under /usr/lib/jvm, or nothing
  local best="" best_version=0 dir version noglob=""
  case $- in *f*) noglob=1; set +f ;; esac # ./mvnw runs with globbing off
  for dir in /usr/lib/jvm/*/; do
    [ -x "$dir/bin/java" ] || continue
    version=$(_trainyard_release_feature "${dir%/}")
    if [ -n "$version" ] && [ "$version" -gt "$best_version" ]; then
      best="${dir%/}/bin/java" best_version=$version
    fi
  done
  [ -z "$noglob" ] || set -f
  [ -z "$best" ] || echo "$best"
}

if [ -z "${TRAINYARD_JAVA:-}" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    TRAINYARD_JAVA="$JAVA_HOME/bin/java"
  else
    TRAINYARD_JAVA=$(_trainyard_newest_jdk)
    TRAINYARD_JAVA="${TRAINYARD_JAVA:-java}"
  fi
fi
TRAINYARD_JAVA_VERSION=$(_trainyard_java_feature "$TRAINYARD_JAVA")
TRAINYARD_JAVA_FLAGS=""
if [ "${TRAINYARD_JAVA_VERSION:-0}" -ge 22 ]; then
  TRAINYARD_JAVA_FLAGS="--enable-native-access=ALL-UNNAMED"
fi
if [ "${TRAINYARD_JAVA_VERSION:-0}" -ge 23 ]; then
  TRAINYARD_JAVA_FLAGS="$TRAINYARD_JAVA_FLAGS --sun-misc-unsafe-memory-access=allow"
fi
# The engine's element-wise training loops through the incubating Vector API (io.trainyard.engine.Loops; about twice
# as fast as the chunked copies Java 17 needs). The JVM prints one "Using incubator modules" warning at startup.
if [ "${TRAINYARD_JAVA_VERSION:-0}" -ge 25 ]; then
  TRAINYARD_JAVA_FLAGS="$TRAINYARD_JAVA_FLAGS --add-modules=jdk.incubator.vector"
fi
export TRAINYARD_JAVA TRAINYARD_JAVA_VERSION TRAINYARD_JAVA_FLAGS
unset -f _trainyard_release_feature _trainyard_java_feature _trainyard_newest_jdk
