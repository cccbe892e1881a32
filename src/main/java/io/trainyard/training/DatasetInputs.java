package io.trainyard.training;

import io.trainyard.datasets.DatasetInfo;
import io.trainyard.datasets.InputShape;
import io.trainyard.spec.InputSpec;

/** What a dataset's examples look like in the spec's vocabulary (images: dataset [C,H,W] → spec height/width/channels). */
final class DatasetInputs {

    private DatasetInputs() {
    }

    static InputSpec inputOf(InputShape shape) {
        int[] d = shape.dims();
        return switch (shape.kind()) {
            case FEATURES -> new InputSpec.Features(d[0]);
            case IMAGE -> new InputSpec.Image(d[1], d[2], d[0]);
            case SEQUENCE -> new InputSpec.Sequence(d[1], d[0]);
        };
    }

    static InputSpec inputOf(DatasetInfo dataset) {
        return inputOf(dataset.inputShape());
    }

    /**
     * A spec's explicit input fits the dataset when it describes the same example. Token inputs do not: datasets
     * hold no token sequences yet (train embeddings through POST /api/v1/specs/validate and the engine only).
     */
    static boolean fits(InputSpec given, InputShape shape) {
        return given.equals(inputOf(shape));
    }

    static String describe(InputShape shape) {
        int[] d = shape.dims();
        return switch (shape.kind()) {
            case FEATURES -> "features of size " + d[0];
            case IMAGE -> d[1] + "x" + d[2] + " images with " + d[0] + " channel(s)";
            case SEQUENCE -> "sequences of " + d[0] + " steps with " + d[1] + " feature(s)";
        };
    }
}
