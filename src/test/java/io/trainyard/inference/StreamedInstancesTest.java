package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.datasets.InputShape;
import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The streamed request reader ({@link RawArray}) and the shape checks on top of it ({@link Instances},
 * {@link OpenInference#data}), without the web layer: every form an instance may take, and the pointer and
 * message of every kind of mistake.
 */
class StreamedInstancesTest {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static final InputShape FEATURES = new InputShape(InputShape.Kind.FEATURES, List.of(4), null);
    private static final InputShape CSV = new InputShape(InputShape.Kind.FEATURES, List.of(3), List.of("a", "b/c", "d"));
    private static final InputShape IMAGE = new InputShape(InputShape.Kind.IMAGE, List.of(2, 2, 3), null);
    private static final InputShape GRAY = new InputShape(InputShape.Kind.IMAGE, List.of(1, 2, 2), null);
    private static final InputShape SEQUENCE = new InputShape(InputShape.Kind.SEQUENCE, List.of(3, 2), null);

    record Body(RawArray instances, Integer topK) {
    }

    /**
     * Parses through Jackson's reader and, where it takes the body, through the byte scanner the service tries first
     * ({@link PredictBodyConverter#scan}): both must give the same floats, or the same problems.
     */
    private static float[] parse(String instances, InputShape shape) {
        byte[] body = ("{\"instances\": " + instances + "}").getBytes(StandardCharsets.UTF_8);
        RawArray jackson = JSON.readValue(body, Body.class).instances();
        PredictController.PredictRequest scanned = PredictBodyConverter.scan(body);
        if (scanned != null) {
            assertThat(outcome(scanned.instances(), shape)).as("scanned " + instances)
                    .isEqualTo(outcome(jackson, shape));
        }
        return Instances.parseAll(jackson, shape, 8).values();
    }

    /** What {@link Instances#parseAll} made of the instances: the floats and mask, or the problem, as text. */
    private static String outcome(RawArray instances, InputShape shape) {
        try {
            Instances.Parsed parsed = Instances.parseAll(instances, shape, 8);
            return Arrays.toString(parsed.values()) + (parsed.mask() == null ? "" : " mask "
                    + Arrays.toString(parsed.mask().data()) + Arrays.toString(parsed.mask().shape()));
        } catch (ApiException e) {
            return e.status() + " " + e.getMessage() + " " + e.violations();
        }
    }

    private static List<Violation> violations(String instances, InputShape shape) {
        try {
            parse(instances, shape);
        } catch (ApiException e) {
            return e.violations();
        }
        throw new AssertionError("no error for " + instances);
    }

    private static Violation violation(String instances, InputShape shape) {
        return violations(instances, shape).get(0);
    }

    @Test
    void flatFeaturesIntegersFloatsAndExponents() {
        assertThat(parse("[[1, 2.5, -3e2, 4], [0.125, 1E1, -0, 7]]", FEATURES))
                .containsExactly(1, 2.5f, -300, 4, 0.125f, 10, 0, 7);
    }

    @Test
    void manyInstancesGrowTheBuffer() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            body.append(i > 0 ? "," : "").append("[");
            for (int j = 0; j < 300; j++) {
                body.append(j > 0 ? "," : "").append(i * 300 + j);
            }
            body.append("]");
        }
        InputShape wide = new InputShape(InputShape.Kind.FEATURES, List.of(300), null);
        float[] values = parse(body.append("]").toString(), wide);
        assertThat(values).hasSize(2400);
        for (int i = 0; i < values.length; i++) {
            assertThat(values[i]).isEqualTo(i);
        }
    }

    @Test
    void imagesNestedFlatOrHeightByWidthForOneChannel() {
        float[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        assertThat(parse("[[[[0,1,2],[3,4,5]],[[6,7,8],[9,10,11]]]]", IMAGE)).containsExactly(expected);
        assertThat(parse("[[0,1,2,3,4,5,6,7,8,9,10,11]]", IMAGE)).containsExactly(expected);
        assertThat(parse("[[[1,2],[3,4]], [[[5,6],[7,8]]], [9,10,11,12]]", GRAY))
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(parse("[[[1,2],[3,4],[5,6]], [7,8,9,10,11,12]]", SEQUENCE))
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test
    void objectsKeyedByColumnInAnyOrderMixedWithArrays() {
        assertThat(parse("[{\"d\": 3, \"a\": 1, \"b/c\": 2}, [4, 5, 6]]", CSV)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(violation("[{\"a\": 1, \"b/c\": 2}]", CSV))
                .isEqualTo(Violation.at("/instances/0", "misses feature 'd'; the features are [a, b/c, d]"));
        assertThat(violation("[{\"a\": 1, \"b/c\": \"x\", \"d\": 3}]", CSV).pointer()).isEqualTo("/instances/0/b~1c");
        assertThat(violation("[{\"a\": 1, \"b/c\": 2, \"d\": 3, \"e~\": 4}]", CSV).pointer())
                .isEqualTo("/instances/0/e~0");
        assertThat(violation("[{\"a\": 1}]", FEATURES).message()).contains("need a model trained on CSV");
    }

    @Test
    void wrongTopLevelValues() {
        for (String body : new String[] {"{}", "{\"instances\": null}"}) {
            assertThatThrownBy(() -> Instances.parseAll(JSON.readValue(body, Body.class).instances(), FEATURES, 8))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.violations().get(0).message())
                            .startsWith("is required"));
        }
        assertThat(violation("{\"x\": [1]}", FEATURES).message()).startsWith("must be an array of instances");
        assertThat(violation("\"1,2,3,4\"", FEATURES).message()).startsWith("must be an array of instances");
        assertThat(violation("[]", FEATURES).message()).isEqualTo("must hold at least one instance");
        assertThatThrownBy(() -> parse("[[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4],"
                + "[1,2,3,4],[1,2,3,4]]", FEATURES))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status().value()).isEqualTo(413));
        // the rest of the body is still read after a non-array value
        assertThat(JSON.readValue("{\"instances\": {\"a\": [1, {\"b\": 2}]}, \"topK\": 2}", Body.class).topK())
                .isEqualTo(2);
    }

    @Test
    void wrongTypesArePointedAt() {
        assertThat(violation("[[1,2,\"x\",4]]", FEATURES))
                .isEqualTo(Violation.at("/instances/0/2", "must be a finite number; got the string \"x\""));
        assertThat(violation("[[1,2,null,4]]", FEATURES).message()).endsWith("got null");
        assertThat(violation("[[1,true,3,4]]", FEATURES).message()).endsWith("got true");
        assertThat(violation("[[1,2,3,\"NaN\"]]", FEATURES).pointer()).isEqualTo("/instances/0/3");
        assertThat(violation("[[1,2,1e39,4]]", FEATURES).message()).contains("outside the 32-bit float range");
        assertThat(violation("[[1,2,-1e39,4]]", FEATURES).message()).contains("outside the 32-bit float range");
        assertThat(violation("[[1,2,1" + "0".repeat(40) + ",4]]", FEATURES).message())
                .contains("outside the 32-bit float range");
        assertThat(parse("[[1,2,1" + "0".repeat(20) + ",12345678901]]", FEATURES)).containsExactly(1, 2, 1e20f,
                12345678901f);
        assertThat(violation("[[1,2,{\"v\": 3},4]]", FEATURES).message()).endsWith("got an object");
        assertThat(violation("[[1,2,[3],4]]", FEATURES))
                .isEqualTo(Violation.at("/instances/0/2", "must be a finite number; got an array"));
        assertThat(violation("[5]", FEATURES))
                .isEqualTo(Violation.at("/instances/0", "must be an array of 4 numbers; got a number"));
        assertThat(violation("[\"1,2,3,4\"]", FEATURES).message()).endsWith("got the string \"1,2,3,4\"");
    }

    @Test
    void raggedAndWronglyNestedArraysArePointedAt() {
        assertThat(violation("[[1,2,3,4], [1,2,3]]", FEATURES))
                .isEqualTo(Violation.at("/instances/1", "must be an array of 4 numbers; got an array of 3"));
        assertThat(violation("[[[[0,1,2],[3,4,5]],[[6,7,8],[9,10]]]]", IMAGE)).isEqualTo(Violation.at(
                "/instances/0/1/1", "must be an array of 3 numbers (axis 2 of shape [2, 2, 3]); got an array of 2"));
        assertThat(violation("[[[[0,1,2],[3,4,5]],[[6,7,8]]]]", IMAGE)).isEqualTo(Violation.at(
                "/instances/0/1", "must be an array of 2 arrays (axis 1 of shape [2, 2, 3]); got an array of 1"));
        assertThat(violation("[[[[0,1,2],[3,4,5]],[6,7,8,9,10,11]]]", IMAGE)).isEqualTo(Violation.at(
                "/instances/0/1", "must be an array of 2 arrays (axis 1 of shape [2, 2, 3]); got an array of 6"));
        assertThat(violation("[[[[0,1,2],[3,4,5]],[6,7]]]", IMAGE)).isEqualTo(Violation.at(
                "/instances/0/1/0", "must be an array of 3 numbers (axis 2 of shape [2, 2, 3]); got a number"));
        assertThat(violation("[[[[0,1,2],[3,\"x\",5]],[[6,7,8],[9,10,11]]]]", IMAGE))
                .isEqualTo(Violation.at("/instances/0/0/1/1", "must be a finite number; got the string \"x\""));
        assertThat(violation("[[[1,2],[3,4],[5]]]", SEQUENCE).pointer()).isEqualTo("/instances/0/2");
        assertThat(violation("[[[[1]]]]", IMAGE).message()).contains("[2, 2, 3]");
        assertThat(violation("[[[1,2],[3,\"y\"]]]", GRAY).pointer()).isEqualTo("/instances/0/1/1");
    }

    @Test
    void atMostTenProblemsAreListed() {
        assertThat(violations("[[\"a\",\"b\",\"c\",\"d\"],[\"a\",\"b\",\"c\",\"d\"],[\"a\",\"b\",\"c\",\"d\"],"
                + "[\"a\",\"b\",\"c\",\"d\"]]", FEATURES)).hasSize(Instances.MAX_VIOLATIONS);
        assertThat(violations("[[1,2,3],[1],[1,2],[\"x\",2,3,4]]", FEATURES)).extracting(Violation::pointer)
                .containsExactly("/instances/0", "/instances/1", "/instances/2", "/instances/3/0");
    }

    @Test
    void malformedJsonStillFailsAsJson() {
        assertThatThrownBy(() -> JSON.readValue("{\"instances\": [[1,2,3,4]", Body.class))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
        assertThatThrownBy(() -> JSON.readValue("{\"instances\": [[1,2,,4]]}", Body.class))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
    }

    // ---- Open Inference Protocol v2: inputs[0].data -----------------------------------------------------------

    record Tensor(RawArray data) {
    }

    private static float[] data(String data, int... shape) {
        return OpenInference.data(JSON.readValue("{\"data\": " + data + "}", Tensor.class).data(), shape);
    }

    private static String dataError(String data, int... shape) {
        return dataError("/inputs/0/data", data, shape);
    }

    private static String dataError(String pointer, String data, int... shape) {
        try {
            data(data, shape);
        } catch (ApiException e) {
            assertThat(e.violations().get(0).pointer()).isEqualTo(pointer);
            return e.violations().get(0).message();
        }
        throw new AssertionError("no error for " + data);
    }

    @Test
    void tensorDataFlatOrNestedAsTheShapeIs() {
        assertThat(data("[1, 2, 3, 4, 5, 6]", 2, 3)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(data("[[1, 2, 3], [4, 5, 6]]", 2, 3)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(data("[[[1, 2], [3, 4], [5, 6]]]", 1, 3, 2)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void tensorDataMistakes() {
        assertThat(dataError("[1, 2, 3]", 1, 4)).isEqualTo("must hold 4 numbers (the product of the shape); got 3");
        assertThat(dataError("[1, 2, 3, 4, 5]", 1, 4)).contains("got 5");
        assertThat(dataError("[[1, 2], [\"x\", 4]]", 2, 2))
                .isEqualTo("element 2 (row-major) must be a finite number; got the string \"x\"");
        assertThat(dataError("[1, null, 3]", 1, 4)).startsWith("element 1 (row-major)");
        assertThat(dataError("[1, 2, 3, 1e39]", 1, 4)).contains("outside the 32-bit float range");
        assertThat(dataError("[1, {\"a\": 2}, 3, 4]", 1, 4)).endsWith("got an object");
        assertThat(dataError("{\"a\": 1}", 1, 4)).startsWith("must be an array of 4 numbers");
        assertThat(dataError("5", 1, 4)).startsWith("must be an array of 4 numbers");
        assertThatThrownBy(() -> OpenInference.data(JSON.readValue("{}", Tensor.class).data(), new int[] {1, 4}))
                .hasMessageContaining("must be an array of 4 numbers");
    }

    @Test
    void nestedTensorDataMustFollowTheShape() {
        // six numbers each time, as the shape's product asks; only the nesting is wrong
        assertThat(dataError("[[[1], [2, 3]], 4, [5, [6]]]", 2, 3))
                .isEqualTo("must be an array of 2 arrays (axis 0 of shape [2, 3]); got an array of 3. "
                        + "Nested data must follow the shape, or be flat");
        assertThat(dataError("/inputs/0/data/0", "[[1, 2], [3, 4, 5, 6]]", 2, 3))
                .startsWith("must be an array of 3 numbers (axis 1 of shape [2, 3]); got an array of 2.");
        assertThat(dataError("/inputs/0/data/1/2", "[[1, 2, 3], [4, 5, [6]]]", 2, 3))
                .startsWith("must be a number (the innermost axis of shape [2, 3]); got an array.");
        assertThat(dataError("/inputs/0/data/1", "[[1, 2, 3], 4, 5, 6]", 4, 3)).endsWith("got a number. "
                + "Nested data must follow the shape, or be flat");
    }

    @Test
    void instancesFarShorterThanTheModelsInputAreRefusedWithoutRoomForAllOfThem() {
        // Room for 1,024 instances of a 512x512 image is 1 GiB; a 3-KB body of empty arrays must not cost that.
        InputShape large = new InputShape(InputShape.Kind.IMAGE, List.of(1, 512, 512), null);
        String empties = "[" + String.join(",", java.util.Collections.nCopies(1024, "[]")) + "]";
        RawArray instances = JSON.readValue("{\"instances\": " + empties + "}", Body.class).instances();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        assertThatThrownBy(() -> Instances.parseAll(instances, large, 1024))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.violations()).hasSize(Instances.MAX_VIOLATIONS);
                    assertThat(e.violations().get(0).pointer()).isEqualTo("/instances/0");
                });
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated")
                .isLessThan(64L << 20);
    }

    @Test
    void shortSequencesPaddedPastTheRequestLimitAre413() {
        // One step each of a 1,000,000-step sequence: 1024 x 1e6 values once padded.
        InputShape longSequence = new InputShape(InputShape.Kind.SEQUENCE, List.of(1_000_000, 1), null);
        String steps = "[" + String.join(",", java.util.Collections.nCopies(1024, "[[1]]")) + "]";
        RawArray instances = JSON.readValue("{\"instances\": " + steps + "}", Body.class).instances();

        assertThatThrownBy(() -> Instances.parseAll(instances, longSequence, 1024))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("1024000000 values").contains("Send fewer instances");
                });
    }
}
