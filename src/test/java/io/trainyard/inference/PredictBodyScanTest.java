package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The byte scanner that reads plain predict bodies ahead of Jackson ({@link PredictBodyConverter#scan}): it must
 * take the bodies clients send, give bit-identical floats to Jackson's reader for every number, and decline (null)
 * everything else so that Jackson reads or rejects it. {@code StreamedInstancesTest} runs all its shapes and
 * mistakes through both readers as well.
 */
class PredictBodyScanTest {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT).build();

    private static PredictController.PredictRequest scan(String body) {
        return PredictBodyConverter.scan(body.getBytes(StandardCharsets.UTF_8));
    }

    private static float[] jacksonValues(String body) {
        RawArray raw = JSON.readValue(body, PredictController.PredictRequest.class).instances();
        return Arrays.copyOf(raw.values(), raw.count());
    }

    private static float[] scannedValues(String body) {
        RawArray raw = scan(body).instances();
        return Arrays.copyOf(raw.values(), raw.count());
    }

    @Test
    void takesPlainBodiesInAnyLayout() {
        assertThat(scannedValues("{\"instances\":[[1,2,3]]}")).containsExactly(1, 2, 3);
        assertThat(scan(" {\n\t\"topK\" : 2 ,\r\n \"instances\" : [ [ 1 , -2.5 ] , [ 3e1 , 4E-1 ] ] } \n").topK())
                .isEqualTo(2);
        assertThat(scan("{\"instances\": [[[1, 2], [3, 4]]], \"topK\": -7}").topK()).isEqualTo(-7);
        assertThat(scan("{\"instances\": []}").instances().root().size()).isZero();
        RawArray nested = scan("{\"instances\": [[[1, 2], [3, 4]], [5, 6, 7, 8]]}").instances();
        assertThat(nested.root().size()).isEqualTo(2);
        assertThat(nested.root().get(0)).isInstanceOf(RawArray.Arr.class);
        assertThat(((RawArray.Arr) nested.root().get(0)).get(1)).isEqualTo(new RawArray.Arr(2, 2, 4, null));
    }

    /** The scanner reads into a buffer it keeps per thread; what a request gets must be its own, of its size. */
    @Test
    void eachScanGetsItsOwnNumbersInAnArrayOfTheirCount() {
        StringBuilder longer = new StringBuilder("{\"instances\": [[");
        for (int i = 0; i < 3_000; i++) {
            longer.append(i > 0 ? "," : "").append(i);
        }
        RawArray first = scan(longer.append("]]}").toString()).instances();
        RawArray second = scan("{\"instances\": [[7, 8], [9, 10]]}").instances();
        RawArray third = scan("{\"instances\": [[11]]}").instances();

        assertThat(first.values()).hasSize(3_000);
        assertThat(first.values()[0]).isZero();
        assertThat(first.values()[2_999]).isEqualTo(2_999f);
        assertThat(second.values()).containsExactly(7, 8, 9, 10);
        assertThat(third.values()).containsExactly(11);
        assertThat(scan("{\"instances\": [[1, \"x\"]]}")).isNull();
        assertThat(second.values()).containsExactly(7, 8, 9, 10);
    }

    @Test
    void everyNumberIsTheFloatJacksonReads() {
        Random random = new Random(7);
        StringBuilder body = new StringBuilder("{\"instances\": [[");
        for (int i = 0; i < 20_000; i++) {
            body.append(i > 0 ? "," : "").append(randomNumber(random));
        }
        String text = body.append("]]}").toString();
        float[] expected = jacksonValues(text);
        float[] actual = scannedValues(text);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError("number " + i + ": scanned " + actual[i] + ", Jackson " + expected[i]);
            }
        }
    }

    @Test
    void edgeNumbersToo() {
        String body = "{\"instances\": [[0, -0, 0.0, -0.0, 1e0, 1E+2, 5e-324, 1.17549435E-38, 1.4e-45, 7e-46, "
                + "3.4028235e38, 3.4028235677973362e38, 16777217, 16777219, 9007199254740993, 999999999999999999, "
                + "0.30000000000000004, 2.2250738585072011e-308, 123456789012345678e-10, 0.000000000000000000001]]}";
        float[] actual = scannedValues(body);
        float[] expected = jacksonValues(body);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("number %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }

    @Test
    void declinesAnythingElseSoJacksonAnswersIt() {
        String[] declined = {
            "", "[]", "{}", "{\"topK\": 1}", "{\"instances\": null}", "{\"instances\": {}}", "{\"instances\": 5}",
            "{\"instances\": [[1, \"2\"]]}", "{\"instances\": [[1, null]]}", "{\"instances\": [[1, true]]}",
            "{\"instances\": [{\"a\": 1}]}", "{\"instances\": [[1, 1e39]]}", "{\"instances\": [[1, -1e39]]}",
            "{\"instances\": [[3.4028236e38]]}",
            "{\"instances\": [[1" + "0".repeat(19) + "]]}", "{\"instances\": [[01]]}", "{\"instances\": [[1.]]}",
            "{\"instances\": [[.5]]}", "{\"instances\": [[+1]]}", "{\"instances\": [[1e]]}", "{\"instances\": [[-]]}",
            "{\"instances\": [[1,]]}", "{\"instances\": [[,1]]}", "{\"instances\": [[1 2]]}", "{\"instances\": [[1]]",
            "{\"instances\": [[1]]} x", "{\"instances\": [[1]]}{}", "{\"instances\": [[NaN]]}",
            "{\"instances\": [[1]], \"topK\": 2.0}", "{\"instances\": [[1]], \"topK\": \"2\"}",
            "{\"instances\": [[1]], \"topK\": 3000000000}", "{\"instances\": [[1]], \"topK\": null}",
            "{\"instances\": [[1]], \"top\": 2}", "{\"instances\": [[1]], \"instances\": [[2]]}",
            "{\"instan\\u0063es\": [[1]]}", "{'instances': [[1]]}", "{\"instances\": [[1]],}",
            "\uFEFF{\"instances\": [[1]]}", "{\"instances\": " + "[".repeat(20) + "1" + "]".repeat(20) + "}"};
        for (String body : declined) {
            assertThat(scan(body)).as(body).isNull();
        }
    }

    /**
     * Integers (up to 18 digits: longer ones are declined), decimals and exponents of up to 20 significant digits,
     * within float32's range; about half lie past the exact fast path and take {@code Double.parseDouble}.
     */
    private static String randomNumber(Random random) {
        int count = 1 + random.nextInt(random.nextBoolean() ? 9 : 20);
        StringBuilder digits = new StringBuilder().append(1 + random.nextInt(9));
        for (int i = 1; i < count; i++) {
            digits.append(random.nextInt(10));
        }
        String sign = random.nextInt(4) == 0 ? "-" : "";
        return sign + switch (random.nextInt(4)) {
            case 0 -> count > 18 ? "0." + digits : digits.toString();
            case 1 -> count == 1 ? digits + ".5" : digits.insert(1 + random.nextInt(count - 1), '.').toString();
            case 2 -> digits.append(random.nextBoolean() ? "e" : "E").append(random.nextInt(-60, 38 - count));
            default -> "0.000" + digits + "e" + random.nextInt(-25, 30);
        };
    }
}
