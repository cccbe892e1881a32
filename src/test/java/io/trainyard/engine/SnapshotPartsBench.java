package io.trainyard.engine;

import io.trainyard.bench.BenchMain;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The figures of docs/performance.md, "Where the MLP's checkpoint overhead stands": what a warm MLP snapshot's pause
 * is made of — DL4J's configuration JSON and the copies of the parameters and Adam's moments (22.4 MB) — against the
 * whole {@link Network#snapshot}, eight rounds.
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * java -cp "$CP" io.trainyard.engine.SnapshotPartsBench
 * </pre>
 * A benchmark, not a test: it prints milliseconds.
 */
public final class SnapshotPartsBench {

    private SnapshotPartsBench() {
    }

    public static void main(String[] args) throws Exception {
        Network net = BenchMain.mlp(Path.of(args.length > 0 ? args[0] : "bench/specs"));
        net.fitBatch(BenchMain.mlpBatch()); // Adam's moments exist, as at any checkpoint
        MultiLayerConfiguration conf = net.dl4j().getLayerWiseConfigurations();
        INDArray params = net.dl4j().params();
        INDArray state = net.dl4j().getUpdater().getStateViewArray();
        INDArray paramsCopy = params.dup();
        INDArray stateCopy = state.dup();
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            String json = conf.toJson();
            long t1 = System.nanoTime();
            paramsCopy.assign(params);
            stateCopy.assign(state);
            long t2 = System.nanoTime();
            net.snapshot().close();
            long t3 = System.nanoTime();
            System.out.printf("configuration JSON %.2f ms (%d chars), copies %.2f ms, whole snapshot %.2f ms%n",
                    (t1 - t0) / 1e6, json.length(), (t2 - t1) / 1e6, (t3 - t2) / 1e6);
        }
    }
}
