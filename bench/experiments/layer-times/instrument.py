# Adds timers to a copy of the engine's sources (run from the folder that holds java/): each lean layer's forward and
# backward pass, LeanAdamUpdater, EngineNetwork.computeGradientAndScore and fit, LeanSolver.optimize and its update,
# Network.fitBatch (fit plus the batch's copy into ND4J). Used by run.sh; never on src/.
import re
probe = '''
    static final java.util.Map<String, java.util.List<Long>> PROBE = new java.util.concurrent.ConcurrentHashMap<>();
    static void rec(String k, long t0) { long t = System.nanoTime() - t0; PROBE.computeIfAbsent(k, x -> java.util.Collections.synchronizedList(new java.util.ArrayList<>())).add(t); }
    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> new java.util.TreeMap<>(PROBE).forEach((kk, v) -> {
            java.util.List<Long> s = new java.util.ArrayList<>(v.subList(v.size() / 3, v.size())); java.util.Collections.sort(s);
            System.out.printf("probe %s: %d calls, median %.3f ms, mean %.3f ms, max %.3f ms (last two thirds)%n", kk, v.size(), s.get(s.size() / 2) / 1e6, s.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6, s.get(s.size() - 1) / 1e6);
            if (System.getenv("LT_TRACE") != null) { StringBuilder b = new StringBuilder("trace " + kk + " (mean ms per 16 calls):"); for (int i = 0; i + 16 <= v.size(); i += 16) { long sum = 0; for (int j = i; j < i + 16; j++) sum += v.get(j); b.append(String.format(" %.2f", sum / 16 / 1e6)); } System.out.println(b); } })));
    }
'''
p='java/io/trainyard/engine/Gemm.java'
s=open(p).read()
s=s.replace("    private Gemm() {\n    }\n", "    private Gemm() {\n    }\n"+probe,1)
open(p,'w').write(s)
import os
for cls in ['LeanConvolutionLayer','LeanPoolingLayer','LeanDenseLayer','LeanOutputLayer']:
    p='java/io/trainyard/engine/%s.java'%cls
    if not os.path.exists(p):  # an older checkout (LT_ROOT) without this layer
        continue
    s=open(p).read()
    s=s.replace("public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {",
      "public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {\n        long t0 = System.nanoTime();\n        try { return backpropGradient0(epsilon, workspaceMgr); } finally { Gemm.rec(index + \".bwd\", t0); }\n    }\n    private Pair<Gradient, INDArray> backpropGradient0(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {",1)
    if 'public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {' in s:
        s=s.replace("public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {",
          "public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {\n        long t0 = System.nanoTime();\n        try { return activate0(training, workspaceMgr); } finally { Gemm.rec(index + \".fwd\", t0); }\n    }\n    private INDArray activate0(boolean training, LayerWorkspaceMgr workspaceMgr) {",1)
    elif cls != 'LeanOutputLayer':
        i=s.rindex('}')
        s=s[:i]+"    @Override\n    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {\n        long t0 = System.nanoTime();\n        try { return super.activate(training, workspaceMgr); } finally { Gemm.rec(index + \".fwd\", t0); }\n    }\n}\n"
    open(p,'w').write(s)
p='java/io/trainyard/engine/LeanAdamUpdater.java'
s=open(p).read()
s=s.replace("""    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
""","""    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        long t0 = System.nanoTime();
        try { applyUpdater0(gradient, iteration, epoch); } finally { Gemm.rec("adam", t0); }
    }
    private void applyUpdater0(INDArray gradient, int iteration, int epoch) {
""")
open(p,'w').write(s)
p='java/io/trainyard/engine/EngineNetwork.java'
s=open(p).read()
s=s.replace("""    private boolean replaceLayers() {""","""    @Override
    public void computeGradientAndScore() {
        long t0 = System.nanoTime();
        try { super.computeGradientAndScore(); } finally { Gemm.rec("computeGradientAndScore", t0); }
    }
    @Override
    public synchronized void fit(org.nd4j.linalg.dataset.api.DataSet data) {
        long t0 = System.nanoTime();
        try { super.fit(data); } finally { Gemm.rec("fit", t0); }
    }
    private boolean replaceLayers() {""")
open(p,'w').write(s)
p='java/io/trainyard/engine/LeanSolver.java'
if os.path.exists(p):
    s=open(p).read()
    s=s.replace("""    public void optimize(LayerWorkspaceMgr workspaceMgr) {
        optimizer.optimize(workspaceMgr);""","""    public void optimize(LayerWorkspaceMgr workspaceMgr) {
        long t0 = System.nanoTime();
        try { optimizer.optimize(workspaceMgr); } finally { Gemm.rec("optimize", t0); }""")
    s=s.replace("""                LayerWorkspaceMgr workspaceMgr) {
            if (getUpdater(true)""","""                LayerWorkspaceMgr workspaceMgr) {
            long t0 = System.nanoTime();
            try { update0(gradient, model, batchSize, workspaceMgr); } finally { Gemm.rec("update", t0); }
        }
        private void update0(Gradient gradient, Model model, int batchSize, LayerWorkspaceMgr workspaceMgr) {
            if (getUpdater(true)""")
    open(p,'w').write(s)
p='java/io/trainyard/engine/Network.java'
s=open(p).read()
s=s.replace("""    public double fitBatch(Batch batch) {
""","""    public double fitBatch(Batch batch) {
        long t0 = System.nanoTime();
        try { return fitBatch0(batch); } finally { Gemm.rec("fitBatch", t0); }
    }
    private double fitBatch0(Batch batch) {
""",1)
open(p,'w').write(s)
# Each OpenBLAS product by shape (LT_GEMM=1): how fast the products run inside the step, against the same shapes
# alone (bench/experiments/products).
if os.environ.get("LT_GEMM"):
    p='java/io/trainyard/engine/Gemm.java'
    s=open(p).read()
    old="""        openblas_nolapack.cblas_sgemm(rowMajor ? openblas_nolapack.CblasRowMajor : openblas_nolapack.CblasColMajor,
                flag(transposeA != (la.rowMajor() != rowMajor)), flag(transposeB != (lb.rowMajor() != rowMajor)),
                m, n, k, 1f, la.pointer(), la.leading(), lb.pointer(), lb.leading(), beta, cStart, lc.leading());"""
    assert old in s, "Gemm.product's call changed: update instrument.py"
    s=s.replace(old, "        long g0 = System.nanoTime();\n" + old + "\n        rec(\"sgemm \" + m + \"x\" + n + \"x\" + k + (transposeA ? \" tA\" : \"\") + (transposeB ? \" tB\" : \"\"), g0);")
    open(p,'w').write(s)
# The dense layer's steps around its products (LT_DENSE=1): the pre-activation's copy and the activation in the
# forward pass, the activation's gradient (with the bias gradient) in the backward pass.
if os.environ.get("LT_DENSE"):
    p='java/io/trainyard/engine/LeanDenseLayer.java'
    s=open(p).read()
    pairs=[("            ReluForward.apply(z, preActivation);\n",
            "            long f0 = System.nanoTime();\n            ReluForward.apply(z, preActivation);\n            Gemm.rec(index + \".fwd relu keeping z\", f0);\n"),
           ("            preActivation = workspaceMgr.dup(ArrayType.ACTIVATIONS, z);\n",
            "            long d0 = System.nanoTime();\n            preActivation = workspaceMgr.dup(ArrayType.ACTIVATIONS, z);\n            Gemm.rec(index + \".fwd copy z\", d0);\n"),
           ("            out = layerConf().getActivationFn().getActivation(z, true);\n",
            "            long a0 = System.nanoTime();\n            out = layerConf().getActivationFn().getActivation(z, true);\n            Gemm.rec(index + \".fwd activation\", a0);\n"),
           ("            ReluBackward.apply(z, epsilon, biasGrad); // z is this layer's own copy: overwritten with delta\n",
            "            long r0 = System.nanoTime();\n            ReluBackward.apply(z, epsilon, biasGrad); // z is this layer's own copy: overwritten with delta\n            Gemm.rec(index + \".bwd relu+bias\", r0);\n")]
    for old, new in pairs:
        assert old in s, "LeanDenseLayer changed: update instrument.py"
        s=s.replace(old,new)
    open(p,'w').write(s)
# The passes before a product (LT_PRE=1): C's zeroing for beta = 0, and a dense layer's bias copied into its rows.
if os.environ.get("LT_PRE"):
    p='java/io/trainyard/engine/Gemm.java'
    s=open(p).read()
    old="            Pointer.memset(cStart, 0, (long) m * n * Float.BYTES);\n"
    assert old in s, "Gemm.product's zeroing changed: update instrument.py"
    s=s.replace(old, "            long z0 = System.nanoTime();\n" + old + "            rec(\"memset \" + m + \"x\" + n, z0);\n")
    old="            if (fillRows(z, bias)) {\n"
    assert old in s, "Gemm.preOutput changed: update instrument.py"
    s=s.replace(old, "            long b0 = System.nanoTime();\n            boolean filled = fillRows(z, bias);\n            rec(\"bias rows \" + z.size(0) + \"x\" + z.size(1), b0);\n            if (filled) {\n")
    open(p,'w').write(s)
