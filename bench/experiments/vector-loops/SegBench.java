// Part of bench/experiments/vector-loops/run.sh: a measurement, not the product.
import java.lang.foreign.*;
import java.nio.*;
import java.util.concurrent.*;
public class SegBench {
  static final int N = 1863690; static final int CHUNK = 4096;
  static ExecutorService pool = Executors.newFixedThreadPool(1);
  static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  static float b1=0.9f,b2=0.999f,eps=1e-8f,step=1e-3f,batch=256f,k1=0.1f,k2=0.001f;
  static void seg(MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment p, long from, long to) {
    for(long i=from;i<to;i++){long o=i*4;float gr=g.get(F,o)/batch;float mi=b1*m.get(F,o)+gr*k1;float vi=b2*v.get(F,o)+gr*gr*k2;m.set(F,o,mi);v.set(F,o,vi);p.set(F,o,p.get(F,o)-(mi*step)/((float)Math.sqrt(vi)+eps));}
  }
  static void segInt(MemorySegment g, MemorySegment m, MemorySegment v, MemorySegment p, int from, int to) {
    for(int i=from;i<to;i++){float gr=g.getAtIndex(F,i)/batch;float mi=b1*m.getAtIndex(F,i)+gr*k1;float vi=b2*v.getAtIndex(F,i)+gr*gr*k2;m.setAtIndex(F,i,mi);v.setAtIndex(F,i,vi);p.setAtIndex(F,i,p.getAtIndex(F,i)-(mi*step)/((float)Math.sqrt(vi)+eps));}
  }
  interface R{void run(int f,int t);}
  static void par(R r) throws Exception { int h=N/2; Future<?> f=pool.submit(()->r.run(h,N)); r.run(0,h); f.get(); }
  static MemorySegment d(){return MemorySegment.ofBuffer(ByteBuffer.allocateDirect(N*4).order(ByteOrder.nativeOrder()));}
  public static void main(String[] a) throws Exception {
    MemorySegment g=d(),m=d(),v=d(),p=d();
    for(int i=0;i<N;i++){g.setAtIndex(F,i,(float)Math.sin(i));}
    // like native memory from a raw address
    MemorySegment g2=MemorySegment.ofAddress(g.address()).reinterpret(N*4L), m2=MemorySegment.ofAddress(m.address()).reinterpret(N*4L),
      v2=MemorySegment.ofAddress(v.address()).reinterpret(N*4L), p2=MemorySegment.ofAddress(p.address()).reinterpret(N*4L);
    for (int round=0;round<5;round++){
      long t0=System.nanoTime(); for(int k=0;k<50;k++) par((f,t)->seg(g,m,v,p,f,t)); long t1=System.nanoTime();
      for(int k=0;k<50;k++) par((f,t)->segInt(g,m,v,p,f,t)); long t2=System.nanoTime();
      for(int k=0;k<50;k++) par((f,t)->seg(g2,m2,v2,p2,f,t)); long t3=System.nanoTime();
      System.out.printf("seg-long-2t %.2f ms  seg-int-2t %.2f ms  raw-addr-2t %.2f ms%n",(t1-t0)/50e6,(t2-t1)/50e6,(t3-t2)/50e6);
    }
    pool.shutdown();
  }
}
