import org.bytedeco.javacpp.*;
import org.bytedeco.openblas.global.openblas_nolapack;
import static org.bytedeco.openblas.global.openblas_nolapack.*;

/** The MLP step's products, row-major: OpenBLAS cblas_sgemm against oneDNN's dnnl_sgemm (both row-major), same thread count. */
public class GemmShapes {
    public static void main(String[] a) {
        org.bytedeco.dnnl.global.dnnl.dnnl_set_verbose(0);
        // {M, N, K, transA, transB}
        int[][] shapes = {{256, 1024, 784, 0, 0}, {256, 1024, 1024, 0, 0}, {784, 1024, 256, 1, 0}, {1024, 1024, 256, 1, 0},
            {256, 1024, 1024, 0, 1}, {2048, 2048, 2048, 0, 0}};
        for (int[] sh : shapes) {
            int M = sh[0], N = sh[1], K = sh[2];
            boolean ta = sh[3] == 1, tb = sh[4] == 1;
            FloatPointer A = rnd((long) M * K), B = rnd((long) K * N), C = new FloatPointer((long) M * N);
            int lda = ta ? M : K, ldb = tb ? K : N;
            int reps = Math.max(5, (int) (2e10 / (2.0 * M * N * K)));
            double bo = 1e9, bd = 1e9;
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++)
                    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1f, A, lda, B, ldb, 0f, C, N);
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++)
                    // row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T
                    org.bytedeco.dnnl.global.dnnl.dnnl_sgemm((byte) (ta ? 'T' : 'N'), (byte) (tb ? 'T' : 'N'), M, N, K, 1f, A, lda, B, ldb, 0f, C, N);
                long t2 = System.nanoTime();
                bo = Math.min(bo, (t1 - t0) / 1e6 / reps);
                bd = Math.min(bd, (t2 - t1) / 1e6 / reps);
            }
            double gf = 2.0 * M * N * K / 1e6;
            System.out.printf("%dx%dx%d %s%s: openblas %.3f ms (%.0f GF/s), onednn %.3f ms (%.0f GF/s)%n", M, N, K, ta ? "T" : "N", tb ? "T" : "N",
                    bo, gf / bo, bd, gf / bd);
        }
    }
    static FloatPointer rnd(long n) {
        FloatPointer p = new FloatPointer(n);
        java.nio.FloatBuffer b = p.asBuffer();
        java.util.Random r = new java.util.Random(n);
        for (int i = 0; i < n; i++) b.put(i, (float) r.nextGaussian());
        return p;
    }
}
