// A SameDiff layer around libnd4j's fused lstmLayer op (forward and lstmLayer_bp), returning the last hidden state.
// Experiment only (bench/experiments/fused-lstm/run.sh); the engine keeps DL4J's LSTM.
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.*;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;

public class FusedLstm extends SameDiffLayer {
    public long nIn, nOut;
    public FusedLstm() {}
    public FusedLstm(long nIn, long nOut) { this.nIn = nIn; this.nOut = nOut; }

    @Override public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        LSTMLayerConfig c = LSTMLayerConfig.builder().lstmdataformat(LSTMDataFormat.NST)
            .directionMode(LSTMDirectionMode.FWD).gateAct(LSTMActivations.SIGMOID).cellAct(LSTMActivations.TANH)
            .outAct(LSTMActivations.TANH).retFullSequence(false).retLastH(true).retLastC(false).build();
        LSTMLayerWeights w = LSTMLayerWeights.builder().weights(p.get("W")).rWeights(p.get("RW")).bias(p.get("b")).build();
        return sd.rnn().lstmLayer(x, w, c)[0];
    }
    @Override public void defineParameters(SDLayerParams params) {
        params.addWeightParam("W", nIn, 4 * nOut);
        params.addWeightParam("RW", nOut, 4 * nOut);
        params.addBiasParam("b", 4 * nOut);
    }
    @Override public void initializeParameters(Map<String, INDArray> params) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            if (e.getKey().equals("b")) e.getValue().assign(0);
            else e.getValue().assign(org.nd4j.linalg.factory.Nd4j.randn(e.getValue().shape()).muli(Math.sqrt(1.0 / nIn)));
        }
    }
    @Override public InputType getOutputType(int i, InputType in) {
        return InputType.feedForward(nOut);
    }
    @Override public void setNIn(InputType in, boolean override) {
        if (override || nIn <= 0) nIn = ((InputType.InputTypeRecurrent) in).getSize();
    }
}
