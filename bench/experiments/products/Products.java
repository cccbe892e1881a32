import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.bytedeco.javacpp.FloatPointer;
import static org.bytedeco.openblas.global.openblas_nolapack.*;
/**
 * GFLOP/s of one way to multiply on the bench nets' shapes (docs/performance.md, "Matrix products straight into
 * OpenBLAS"): ND4J's mmuli, OpenBLAS's cblas_sgemm called directly (engine/Gemm), or Nd4j.gemm (oneDNN).
 * Arguments: mmuli|cblas|cblas-gemm|gemm [one] (cblas: sgemv for one row, as engine/Gemm; cblas-gemm: sgemm always) ("one": inside BlasThreads.single, as the inference batcher runs). One path per
 * JVM: a BLAS's idle threads spin for a few ms after its last product and would slow the next path's.
 */
public class Products {
  public static void main(String[] args) {
    String how = args[0];
    int[][] shapes = {{256,784,1024},{256,1024,1024},{32,784,1024},{32,1024,1024},{1,784,1024},{1,1024,1024},
        {64,800,500},{800,64,500},{2048,2048,2048}};
    StringBuilder sb = new StringBuilder(how + (args.length > 1 ? "-1t" : "") + ": ");
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      INDArray x = Nd4j.rand(DataType.FLOAT, m, k), w = Nd4j.rand(DataType.FLOAT, k, n), z = Nd4j.create(DataType.FLOAT, m, n);
      FloatPointer px = (FloatPointer) x.data().addressPointer(), pw = (FloatPointer) w.data().addressPointer(), pz = (FloatPointer) z.data().addressPointer();
      double best=0; double fl = 2.0*m*n*k;
      int reps = (int) Math.max(20, 1e10/fl);
      Runnable r = switch (how) {
        case "mmuli" -> () -> x.mmuli(w, z);
        // engine/Gemm's choice: sgemv for one row, sgemm otherwise
        case "cblas" -> m == 1
            ? () -> cblas_sgemv(CblasRowMajor, CblasTrans, k, n, 1f, pw, n, px, 1, 0f, pz, 1)
            : () -> cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, px, k, pw, n, 0f, pz, n);
        case "cblas-gemm" -> () -> cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, px, k, pw, n, 0f, pz, n);
        default -> () -> Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
      };
      Runnable body = args.length > 1 ? () -> io.trainyard.engine.BlasThreads.single(() -> { for (int i=0;i<reps;i++) r.run(); return null; }) : () -> { for (int i=0;i<reps;i++) r.run(); };
      for (int q = 0; q < 6; q++) {
        long t = System.nanoTime(); body.run(); best = Math.max(best, fl*reps/(System.nanoTime()-t));
      }
      sb.append(String.format(" %dx%dx%d=%.0f", m, k, n, best));
    }
    System.out.println(sb);
  }
}
