package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FitDiagnosisTest {

    private static List<double[]> curves(double[] training, double[] validation) {
        List<double[]> losses = new ArrayList<>();
        for (int i = 0; i < training.length; i++) {
            losses.add(new double[] {training[i], validation[i]});
        }
        return losses;
    }

    @Test
    void validationRisingWhileTrainingFallsIsOverfittingFromTheEpochAfterTheMinimum() {
        FitDiagnosis d = FitDiagnosis.of(curves(new double[] {1.0, 0.6, 0.4, 0.3, 0.2, 0.1},
                new double[] {1.0, 0.7, 0.5, 0.55, 0.6, 0.7}));

        assertThat(d.verdict()).isEqualTo("overfitting");
        assertThat(d.fromEpoch()).isEqualTo(4);
        assertThat(d.advice()).contains("epoch 4").contains("dropout");
    }

    @Test
    void bothCurvesFallingTogetherIsAGoodFit() {
        FitDiagnosis d = FitDiagnosis.of(curves(new double[] {1.0, 0.6, 0.4, 0.3}, new double[] {1.1, 0.7, 0.5, 0.4}));

        assertThat(d.verdict()).isEqualTo("good_fit");
        assertThat(d.fromEpoch()).isNull();
    }

    @Test
    void lossThatBarelyFallsIsUnderfitting() {
        FitDiagnosis d = FitDiagnosis.of(curves(new double[] {1.0, 0.98, 0.97, 0.95}, new double[] {1.0, 0.99, 0.98, 0.97}));

        assertThat(d.verdict()).isEqualTo("underfitting");
        assertThat(d.advice()).contains("learning rate");
    }

    @Test
    void aSmallWobbleOfValidationLossIsNotOverfitting() {
        FitDiagnosis d = FitDiagnosis.of(curves(new double[] {1.0, 0.5, 0.4}, new double[] {1.0, 0.50, 0.505}));

        assertThat(d.verdict()).isEqualTo("good_fit");
    }

    @Test
    void withoutValidationDataOrHistoryNothingCanBeSaid() {
        assertThat(FitDiagnosis.of(curves(new double[] {1.0, 0.5}, new double[] {Double.NaN, Double.NaN})).verdict())
                .isEqualTo("unknown");
        assertThat(FitDiagnosis.of(curves(new double[] {1.0}, new double[] {1.0})).verdict()).isEqualTo("unknown");
    }

    @Test
    void earlyStoppingCountsEpochsWithoutImprovementByMinDelta() {
        EarlyStopping s = EarlyStopping.start("validationLoss", false, 0.01, 2);
        s = s.observe(1, Map.of("validationLoss", 1.0));
        s = s.observe(2, Map.of("validationLoss", 0.995)); // better, but by less than minDelta
        assertThat(s.bestEpoch()).isEqualTo(1);
        assertThat(s.exhausted()).isFalse();
        s = s.observe(3, Map.of("validationLoss", 0.999));
        assertThat(s.exhausted()).isTrue();

        EarlyStopping accuracy = EarlyStopping.start("validationAccuracy", true, 0, 1)
                .observe(1, Map.of("validationAccuracy", 0.5)).observe(2, Map.of("validationAccuracy", 0.7));
        assertThat(accuracy.best()).isEqualTo(0.7);
        assertThat(accuracy.exhausted()).isFalse();
    }

    @Test
    void macroF1AveragesPerClassF1AndAccuracyCountsTheDiagonal() {
        long[][] confusion = {{8, 2}, {0, 10}}; // class 0: P=1, R=0.8; class 1: P=10/12, R=1
        double f0 = 2 * 1.0 * 0.8 / 1.8;
        double f1 = 2 * (10.0 / 12) * 1.0 / (10.0 / 12 + 1);

        assertThat(Evaluation.macroF1(confusion)).isCloseTo((f0 + f1) / 2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Evaluation.accuracy(confusion)).isEqualTo(0.9);
    }

    @Test
    void eachEpochShufflesDifferentlyButReproducibly() {
        int[] first = TrainingData.epochOrder(50, 7, 1);
        assertThat(TrainingData.epochOrder(50, 7, 1)).isEqualTo(first);
        assertThat(TrainingData.epochOrder(50, 7, 2)).isNotEqualTo(first);
        assertThat(TrainingData.epochOrder(50, 8, 1)).isNotEqualTo(first);
        assertThat(java.util.Arrays.stream(first).sorted().toArray())
                .isEqualTo(java.util.stream.IntStream.range(0, 50).toArray());
    }
}
