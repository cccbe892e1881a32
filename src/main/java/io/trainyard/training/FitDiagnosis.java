package io.trainyard.training;

import java.util.List;

/**
 * Compares the training and validation loss curves (the regularisation question: does the model learn too little,
 * or memorise the training data?).
 *
 * @param verdict      {@code underfitting}, {@code good_fit}, {@code overfitting}, or {@code unknown} without
 *                     validation data or before two epochs
 * @param fromEpoch    for overfitting, the first epoch after the validation minimum (where validation loss started
 *                     rising while training loss still fell); else null
 * @param advice       what to try next
 */
record FitDiagnosis(String verdict, Integer fromEpoch, String advice) {

    /** A rise of validation loss smaller than this fraction of its minimum is noise, not overfitting. */
    private static final double RISE = 0.02;
    /** Training that lowered its loss by less than this fraction learned too little. */
    private static final double LEARNED = 0.25;

    /** @param losses per epoch, in order: {trainingLoss, validationLoss} (validation NaN when absent) */
    static FitDiagnosis of(List<double[]> losses) {
        if (losses.size() < 2 || Double.isNaN(losses.get(0)[1])) {
            return new FitDiagnosis("unknown", null, losses.size() < 2 ? "Needs at least two epochs."
                    : "Needs validation data: set training.validation.fraction or training.validation.dataset.");
        }
        int last = losses.size() - 1;
        int best = 0;
        for (int i = 1; i < losses.size(); i++) {
            if (losses.get(i)[1] < losses.get(best)[1]) {
                best = i;
            }
        }
        double[] atBest = losses.get(best);
        double[] atLast = losses.get(last);
        if (best < last && atLast[1] > atBest[1] * (1 + RISE) && atLast[0] < atBest[0]) {
            return new FitDiagnosis("overfitting", best + 2, "Validation loss rose from epoch " + (best + 2)
                    + " while training loss kept falling: the model memorises the training data. Add dropout or "
                    + "L2/weight decay, use a smaller network, stop early on validationLoss, or train on more data.");
        }
        double first = losses.get(0)[0];
        if (atLast[0] > first * (1 - LEARNED) && atLast[1] > losses.get(0)[1] * (1 - LEARNED)) {
            return new FitDiagnosis("underfitting", null, "Training loss fell by less than " + (int) (LEARNED * 100)
                    + "%: the model learns too little. Train longer, raise the learning rate, use a larger network, "
                    + "or lower dropout and regularisation.");
        }
        return new FitDiagnosis("good_fit", null, "Training and validation loss fall together.");
    }
}
