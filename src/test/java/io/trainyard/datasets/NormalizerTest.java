package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class NormalizerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Two features: the first 0..9, the second constant 5. */
    private static LoadedDataset features() {
        float[] x = new float[20];
        for (int i = 0; i < 10; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 5;
        }
        return new LoadedDataset(InputShape.Kind.FEATURES, new int[] {2}, 10, x, null, null, null, null);
    }

    @Test
    void standardizesPerFeatureWithStatisticsOfTheTrainingSplitOnly() {
        LoadedDataset all = features();
        LoadedDataset train = all.subset(new int[] {0, 1, 2, 3, 4});
        Normalizer normalizer = Normalizer.fit(Normalizer.Kind.STANDARDIZE, train);

        assertThat(normalizer.offset()).containsExactly(2f, 5f);
        assertThat(normalizer.scale()[0]).isCloseTo((float) Math.sqrt(2), within(1e-6f));
        assertThat(normalizer.scale()[1]).as("a constant feature is left unscaled").isEqualTo(1f);
        // An example outside the training split is transformed with the training statistics.
        float[] out = normalizer.apply(new float[] {9, 5});
        assertThat(out[0]).isCloseTo((float) (7 / Math.sqrt(2)), within(1e-5f));
        assertThat(out[1]).isZero();
    }

    @Test
    void minMaxMapsTheTrainingRangeToZeroOne() {
        Normalizer normalizer = Normalizer.fit(Normalizer.Kind.MIN_MAX, features().subset(new int[] {2, 4, 6}));
        assertThat(normalizer.apply(new float[] {2, 5, 6, 5, 4, 5})).containsExactly(0f, 0f, 1f, 0f, 0.5f, 0f);
    }

    @Test
    void scalesEightBitImagesToZeroOnePerChannel() {
        // Two examples of [2, 1, 2]: channel 0 then channel 1.
        float[] x = {0, 255, 10, 20, 128, 64, 30, 40};
        LoadedDataset images = new LoadedDataset(InputShape.Kind.IMAGE, new int[] {2, 1, 2}, 2, x, null, null, null,
                null);
        Normalizer scale = Normalizer.fit(Normalizer.Kind.SCALE, images);
        assertThat(scale.apply(new float[] {0, 255, 51, 51})).containsExactly(0f, 1f, 0.2f, 0.2f);

        Normalizer perChannel = Normalizer.fit(Normalizer.Kind.STANDARDIZE, images);
        assertThat(perChannel.stride()).isEqualTo(2);
        assertThat(perChannel.offset()).containsExactly(111.75f, 25f);
    }

    @Test
    void sequencesIgnorePaddedSteps() {
        // Two sequences of 2 steps x 1 feature; the second's last step is padding holding garbage.
        LoadedDataset seq = new LoadedDataset(InputShape.Kind.SEQUENCE, new int[] {2, 1}, 2,
                new float[] {1, 3, 5, 1000}, null, null, null, new float[] {1, 1, 1, 0});
        assertThat(Normalizer.fit(Normalizer.Kind.STANDARDIZE, seq).offset()).containsExactly(3f);
    }

    @Test
    void roundTripsAsJson() {
        Normalizer normalizer = Normalizer.fit(Normalizer.Kind.STANDARDIZE, features());
        String json = JSON.writeValueAsString(normalizer);
        assertThat(json).contains("\"kind\":\"standardize\"");
        Normalizer back = JSON.readValue(json, Normalizer.class);
        assertThat(back.kind()).isEqualTo(Normalizer.Kind.STANDARDIZE);
        assertThat(back.offset()).containsExactly(normalizer.offset());
        assertThat(back.scale()).containsExactly(normalizer.scale());
        assertThat(back.apply(new float[] {3, 5})).containsExactly(normalizer.apply(new float[] {3, 5}));
        assertThat(List.of(back.stride())).containsExactly(1);
    }
}
