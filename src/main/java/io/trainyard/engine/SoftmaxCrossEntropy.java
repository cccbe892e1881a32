package io.trainyard.engine;

import java.nio.FloatBuffer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A classifier's softmax and multi-class cross-entropy, its gradient and its loss, in one pass over the
 * pre-activations. DL4J's {@code LossMCXENT} computes the gradient (softmax, subtract) and then, for the score, the
 * pre-activation again, the softmax again, two clipping passes, a log, a product and a sum: some fifteen libnd4j
 * calls on a 256×10 array, 0.35–0.45 ms per training step where the arithmetic takes microseconds
 * (docs/performance.md, "The output layer"). The formulas are {@code LossMCXENT}'s: gradient {@code softmax(z) − y}; loss
 * {@code −Σ y·log(clip(softmax(z), ε, 1 − ε))} with its {@code softmaxClipEps} ε. Only the plain case takes this
 * path: softmax, no class weights, no mask, float rows in memory order.
 */
final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {
    }

    static boolean applies(IActivation activation, ILossFunction loss, INDArray z, INDArray labels, INDArray mask) {
        return activation.getClass() == ActivationSoftmax.class && loss.getClass() == LossMCXENT.class
                && ((LossMCXENT) loss).getWeights() == null && mask == null && rows(z) && rows(labels)
                && z.size(0) == labels.size(0) && z.size(1) == labels.size(1);
    }

    private static boolean rows(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.ordering() == 'c' && a.elementWiseStride() == 1
                && a.stride(1) == 1 && a.stride(0) == a.size(1);
    }

    /**
     * Writes {@code softmax(z) − labels} into {@code gradient} (same shape, rows in memory order) and returns the
     * summed loss {@code −Σ y·log(clip(p))} over all rows (not divided by the row count).
     */
    static double apply(INDArray z, INDArray labels, LossMCXENT loss, INDArray gradient) {
        int rows = (int) z.size(0);
        int classes = (int) z.size(1);
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer yb = Arrays4j.values(labels);
        FloatBuffer gb = Arrays4j.values(gradient);
        double clip = loss.getSoftmaxClipEps();
        float[] zr = new float[classes];
        float[] yr = new float[classes];
        double total = 0;
        for (int i = 0; i < rows; i++) {
            zb.get(i * classes, zr, 0, classes);
            yb.get(i * classes, yr, 0, classes);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, zr[j]);
            }
            float sum = 0;
            for (int j = 0; j < classes; j++) {
                zr[j] = (float) Math.exp(zr[j] - max);
                sum += zr[j];
            }
            for (int j = 0; j < classes; j++) {
                float p = zr[j] / sum;
                zr[j] = p - yr[j];
                total -= yr[j] * Math.log(clip > 0 ? clamp(p, clip) : p);
            }
            gb.put(i * classes, zr, 0, classes);
        }
        return total;
    }

    /** LossMCXENT's clipping: below ε becomes ε, above 1 − ε becomes 1 − ε, both compared and stored as float. */
    private static float clamp(float p, double eps) {
        if (p < eps) {
            return (float) eps;
        }
        return p > 1.0 - eps ? (float) (1.0 - eps) : p;
    }
}
