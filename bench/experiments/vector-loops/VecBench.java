// Part of bench/experiments/vector-loops/run.sh: a measurement, not the product.
import java.lang.foreign.*;
import java.nio.*;
import java.util.concurrent.*;
import jdk.incubator.vector.*;
public class VecBench {
  static final int N = 1863690;
  static ExecutorService pool = Executors.newFixedThreadPool(1);
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static float b1=0.9f,b2=0.999f,eps=1e-8f,step=1e-3f,batch=256f,k1=0.1f,k2=0.001f;
  static final ByteOrder O = ByteOrder.nativeOrder();
  static void vec(MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment p, int from, int to) {
    int i=from; int bound = from + S.loopBound(to-from);
    for(;i<bound;i+=S.length()){ long o=i*4L;
      FloatVector gr=FloatVector.fromMemorySegment(S,g,o,O).div(batch);
      FloatVector mi=FloatVector.fromMemorySegment(S,m,o,O).mul(b1).add(gr.mul(k1));
      FloatVector vi=FloatVector.fromMemorySegment(S,v,o,O).mul(b2).add(gr.mul(gr).mul(k2));
      mi.intoMemorySegment(m,o,O); vi.intoMemorySegment(v,o,O);
      FloatVector u=mi.mul(step).div(vi.sqrt().add(eps));
      FloatVector.fromMemorySegment(S,p,o,O).sub(u).intoMemorySegment(p,o,O);
    }
    for(;i<to;i++){ long o=i*4L; var F=ValueLayout.JAVA_FLOAT_UNALIGNED; float gg=g.get(F,o)/batch; float mi=b1*m.get(F,o)+gg*k1; float vi=b2*v.get(F,o)+gg*gg*k2; m.set(F,o,mi); v.set(F,o,vi); p.set(F,o,p.get(F,o)-(mi*step)/((float)Math.sqrt(vi)+eps)); }
  }
  interface R{void run(int f,int t);}
  static void par(R r) throws Exception { int h=N/2; Future<?> f=pool.submit(()->r.run(h,N)); r.run(0,h); f.get(); }
  static MemorySegment d(){return MemorySegment.ofBuffer(ByteBuffer.allocateDirect(N*4).order(O));}
  public static void main(String[] a) throws Exception {
    MemorySegment g=d(),m=d(),v=d(),p=d();
    for(int i=0;i<N;i++){g.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED,i,(float)Math.sin(i));}
    System.out.println(S);
    for (int round=0;round<5;round++){
      long t0=System.nanoTime(); for(int k=0;k<50;k++) par((f,t)->vec(g,m,v,p,f,t)); long t1=System.nanoTime();
      System.out.printf("vec-2t %.2f ms%n",(t1-t0)/50e6);
    }
    pool.shutdown();
  }
}
