"""Where the checkpoint writer's time goes, from a JFR recording of the service (docs/performance.md, "Zen 5 in a PVM
guest (third)"): counts the execution samples (on CPU, in Java) and native-method samples (in a system call or
other native code) of the writer threads by what the stack is doing. Record with
JAVA_OPTS="-XX:StartFlightRecording:settings=profile,jdk.ExecutionSample#period=1ms,jdk.NativeMethodSample#period=1ms,filename=/tmp/ckpt.jfr"
bench/experiments/checkpoint-threads/run.sh 4 10 cnn, then: python3 jfr_writer.py /tmp/ckpt.jfr (needs the JDK's
jfr tool beside $TRAINYARD_JAVA or on the PATH). Nothing here is part of the product."""
import collections
import os
import re
import shutil
import subprocess
import sys

java = os.environ.get("TRAINYARD_JAVA", "")
jfr = os.path.join(os.path.dirname(java), "jfr") if java else shutil.which("jfr")
text = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", "--stack-depth", "40",
                       sys.argv[1]], capture_output=True, text=True, check=True).stdout
# Most specific first: a stack is counted once, under the first part whose frame it holds.
PARTS = [("H2: MVStore commit (writes its file)", "MVStore.commit"),
         ("retention: list, delete rows and files", "CheckpointStore.retain"),
         ("archive: SHA-256", "MessageDigest"),
         ("archive: the rest (copies, CRC-32, zip)", "CheckpointArchive.write"),
         ("store: direct writes, fsync, rename", "FileSystemObjectStore.write"),
         ("commit: INSERT and its JSON", "CheckpointStore.commit")]
counts = collections.Counter()
for event in re.split(r"\n(?=jdk\.(?:ExecutionSample|NativeMethodSample))", text):
    thread = re.search(r'sampledThread = "([^"]*)"', event)
    if not thread or not thread.group(1).startswith("checkpoint"):
        continue
    kind = "on CPU (Java)" if event.startswith("jdk.ExecutionSample") else "native"
    stack = " ".join(re.findall(r"^\s+([\w$.<>]+)\(", event, re.M))
    part = next((name for name, frame in PARTS if frame in stack), "other")
    counts[(part, kind)] += 1
total = {k: sum(v for (p, kk), v in counts.items() if kk == k) for k in ("on CPU (Java)", "native")}
print(f"checkpoint writer threads: {total['on CPU (Java)']} execution samples, {total['native']} native samples")
for (part, kind), n in counts.most_common():
    print(f"{n:5d}  {100 * n / total[kind]:5.1f} % of {kind:14s} {part}")
