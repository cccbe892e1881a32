import org.bytedeco.dnnl.*;
import org.bytedeco.javacpp.*;
import org.bytedeco.openblas.global.openblas_nolapack;
import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * The batcher's product with the weights packed once in oneDNN's layout (a matmul primitive with weights in format
 * 'any', reordered once, bias and ReLU as a post-op) against OpenBLAS's cblas_sgemm + bias + ReLU, one thread each,
 * for batches of 1 to 256 rows. Usage: see run.sh.
 */

public class PackedWeightsProbe {
    public static void main(String[] a) {
        int K = Integer.parseInt(a[0]), N = Integer.parseInt(a[1]);

        engine eng = new engine(engine.kind.cpu, 0);
        stream s = new stream(eng);
        FloatPointer w = new FloatPointer((long) K * N);
        FloatPointer b = new FloatPointer(N);
        java.util.Random r = new java.util.Random(1);
        for (long i = 0; i < (long) K * N; i++) w.put(i, (float) r.nextGaussian());
        for (int i = 0; i < N; i++) b.put(i, (float) r.nextGaussian());
        for (int M : new int[] {1, 8, 32, 64, 128, 256}) {
            FloatPointer x = new FloatPointer((long) M * K);
            for (long i = 0; i < (long) M * K; i++) x.put(i, (float) r.nextGaussian());
            FloatPointer y1 = new FloatPointer((long) M * N), y2 = new FloatPointer((long) M * N);
            memory.desc src = new memory.desc(new LongPointer(M, K), memory.data_type.f32, memory.format_tag.ab);
            memory.desc wany = new memory.desc(new LongPointer(K, N), memory.data_type.f32, memory.format_tag.any);
            memory.desc wab = new memory.desc(new LongPointer(K, N), memory.data_type.f32, memory.format_tag.ab);
            memory.desc bd = new memory.desc(new LongPointer(1, N), memory.data_type.f32, memory.format_tag.ab);
            memory.desc dst = new memory.desc(new LongPointer(M, N), memory.data_type.f32, memory.format_tag.ab);
            post_ops po = new post_ops();
            po.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
            primitive_attr attr = new primitive_attr();
            attr.set_post_ops(po);
            matmul.primitive_desc pd = new matmul.primitive_desc(new matmul.desc(src, wany, bd, dst), attr, eng);
            memory wPlain = new memory(wab, eng, w);
            memory wPacked = new memory(pd.weights_desc(), eng);
            new reorder(wPlain, wPacked).execute(s, wPlain, wPacked);
            s._wait();
            matmul mm = new matmul(pd);
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, new memory(src, eng, x));
            args.put(DNNL_ARG_WEIGHTS, wPacked);
            args.put(DNNL_ARG_BIAS, new memory(bd, eng, b));
            args.put(DNNL_ARG_DST, new memory(dst, eng, y2));
            int reps = Math.max(20, 4000 / M);
            double[] best = {1e9, 1e9};
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    java.nio.FloatBuffer yb = y1.asBuffer(), bb = b.asBuffer();
                    for (int row = 0; row < M; row++) { bb.rewind(); yb.position(row * N); yb.put(bb); }
                    openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                            openblas_nolapack.CblasNoTrans, M, N, K, 1f, x, K, w, N, 1f, y1, N);
                    // relu
                    java.nio.FloatBuffer fb = y1.asBuffer(); for (int j = 0; j < M * N; j++) { float v = fb.get(j); if (v < 0) fb.put(j, 0f); }
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    mm.execute(s, args);
                }
                s._wait();
                long t2 = System.nanoTime();
                best[0] = Math.min(best[0], (t1 - t0) / 1e6 / reps);
                best[1] = Math.min(best[1], (t2 - t1) / 1e6 / reps);
            }
            double maxErr = 0;
            for (long j = 0; j < (long) M * N; j++) maxErr = Math.max(maxErr, Math.abs(y1.get(j) - y2.get(j)));
            double gf = 2.0 * M * K * N / 1e9;
            System.out.printf("M=%d K=%d N=%d: openblas+bias+relu %.3f ms (%.1f GF/s), onednn packed %.3f ms (%.1f GF/s), x%.2f, max|diff| %.2e, wdesc size %d%n",
                    M, K, N, best[0], gf / best[0] * 1e3, best[1], gf / best[1] * 1e3, best[0] / best[1], maxErr, pd.weights_desc().get_size());
        }
    }
}
