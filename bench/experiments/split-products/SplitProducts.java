import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import static org.bytedeco.openblas.global.openblas_nolapack.*;

/**
 * The MLP's products as a training step meets them (each followed by a short single-threaded pass, as the
 * element-wise work between products), multiplied two ways: OpenBLAS's own two threads, or each product split in
 * two column halves, one on the caller and one on a helper thread that waits by spinning (no system call), with
 * OpenBLAS single-threaded. Prints microseconds per product and pass. Argument: blas|split; rounds.
 */
public class SplitProducts {
  static volatile Runnable task;
  static volatile boolean done;

  public static void main(String[] args) throws Exception {
    boolean split = args[0].equals("split");
    int rounds = Integer.parseInt(args[1]);
    if (split) {
      Nd4j.factory().blas().setMaxThreads(1);
      Thread helper = new Thread(() -> {
        while (true) {
          Runnable t;
          long idleSince = System.nanoTime();
          while ((t = task) == null) {
            Thread.onSpinWait();
            if (System.nanoTime() - idleSince > 2_000_000) { LockSupport.parkNanos(50_000); }
          }
          task = null;
          t.run();
          done = true;
        }
      }, "gemm-helper");
      helper.setDaemon(true);
      helper.start();
    }
    // m, k, n of C = A x B (row-major), as the MLP's forward products and its two gradient products
    int[][] shapes = {{256, 784, 1024}, {256, 1024, 1024}, {1024, 256, 1024}, {256, 1024, 1024}, {784, 256, 1024}};
    INDArray[] a = new INDArray[shapes.length], b = new INDArray[shapes.length], c = new INDArray[shapes.length];
    for (int i = 0; i < shapes.length; i++) {
      a[i] = Nd4j.rand(DataType.FLOAT, shapes[i][0], shapes[i][1]);
      b[i] = Nd4j.rand(DataType.FLOAT, shapes[i][1], shapes[i][2]);
      c[i] = Nd4j.create(DataType.FLOAT, shapes[i][0], shapes[i][2]);
    }
    float[] scratch = new float[256 * 1024];
    double flops = 0;
    for (int[] s : shapes) flops += 2.0 * s[0] * s[1] * s[2];
    StringBuilder sb = new StringBuilder(args[0] + ":");
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      int steps = 40;
      for (int step = 0; step < steps; step++) {
        for (int i = 0; i < shapes.length; i++) {
          int m = shapes[i][0], k = shapes[i][1], n = shapes[i][2];
          FloatPointer pa = (FloatPointer) a[i].data().addressPointer(), pb = (FloatPointer) b[i].data().addressPointer(),
              pc = (FloatPointer) c[i].data().addressPointer();
          if (split) {
            int half = n / 2;
            FloatPointer pb2 = new FloatPointer(pb).position(half), pc2 = new FloatPointer(pc).position(half);
            done = false;
            task = () -> cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n - half, k, 1f, pa, k, pb2, n, 0f, pc2, n);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, half, k, 1f, pa, k, pb, n, 0f, pc, n);
            while (!done) Thread.onSpinWait();
          } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
          }
          // the element-wise pass after a product: ~0.25 ms on one thread
          for (int j = 0; j < scratch.length; j++) scratch[j] = Math.max(0f, scratch[j] * 0.999f + 0.001f);
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      sb.append(String.format(" %.1f GFLOP/s (%.2f ms/step)", flops * steps / s / 1e9, s / steps * 1e3));
    }
    System.out.println(sb);
  }
}
