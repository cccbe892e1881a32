package io.trainyard.inference;

import io.trainyard.datasets.InputShape;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * CPU cost of reading one benchmark request body (one instance of 784 integers, as bench/inference/predict.lua
 * sends), the old way (a Jackson tree, then walked into floats) and the streamed way ({@link RawArray} +
 * {@link Instances#parseAll}). Measures the thread's CPU time, so a busy machine disturbs it less than wall time.
 * Not a test: {@code java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt)
 * io.trainyard.inference.RequestParsingBench}.
 */
final class RequestParsingBench {

    record TreeRequest(JsonNode instances, Integer topK) {
    }

    private RequestParsingBench() {
    }

    public static void main(String[] args) {
        JsonMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        Random random = new Random(42);
        StringBuilder body = new StringBuilder("{\"instances\": [[");
        for (int i = 0; i < 784; i++) {
            body.append(i > 0 ? "," : "").append(random.nextInt(256));
        }
        byte[] bytes = body.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
        InputShape shape = new InputShape(InputShape.Kind.FEATURES, List.of(784), null);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        for (int round = 0; round < 3; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            double sink = 0;
            for (int i = 0; i < n; i++) {
                JsonNode instances = json.readValue(bytes, TreeRequest.class).instances();
                float[] out = new float[instances.size() * 784];
                for (int k = 0; k < instances.size(); k++) {
                    JsonNode row = instances.get(k);
                    for (int j = 0; j < row.size(); j++) {
                        out[k * 784 + j] = (float) row.get(j).doubleValue();
                    }
                }
                sink += out[7];
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                float[] out = Instances.parseAll(json.readValue(bytes, PredictController.PredictRequest.class)
                        .instances(), shape, 1024).values();
                sink += out[7];
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                // the tokenizer alone: a floor for any Jackson-based reader
                try (tools.jackson.core.JsonParser p = json.createParser(bytes)) {
                    for (tools.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                        if (t == tools.jackson.core.JsonToken.VALUE_NUMBER_INT) {
                            sink += p.getIntValue();
                        }
                    }
                }
            }
            long t3 = cpu.getCurrentThreadCpuTime();
            System.out.printf("round %d: tree %.1f µs/request, streamed %.1f µs/request (%.1fx), tokens only %.1f µs"
                    + "  [%s]%n", round, (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (double) (t1 - t0) / (t2 - t1),
                    (t3 - t2) / 1e3 / n, sink > 0 ? "ok" : "?");
        }
    }
}
