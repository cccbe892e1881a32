package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.spec.SpecLimits;
import io.trainyard.spec.SpecValidator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class EngineWarmUpTest {

    private static EngineWarmUp warmUp() {
        return new EngineWarmUp(null, new TrainingProperties(Duration.ofSeconds(2), 0.1, 3, true, 0),
                new SpecValidator(SpecLimits.defaults()), JsonMapper.builder().build());
    }

    /** Its three specs are valid and their networks train (a step takes milliseconds; each family may take 4 s). */
    @Test
    void trainsTheSmallNetworksOfEachFamily() {
        Map<String, Integer> steps = warmUp().train();
        assertThat(steps.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(3);
        assertThat(steps).containsOnlyKeys("dense", "convolutional", "recurrent");
        assertThat(steps.values()).allSatisfy(n -> assertThat(n).isPositive());
    }

    @Test
    void aJobThatStartsStopsIt() {
        EngineWarmUp warmUp = warmUp();
        warmUp.stop();
        assertThat(warmUp.train().values().stream().mapToInt(Integer::intValue).sum()).isZero();
    }
}
