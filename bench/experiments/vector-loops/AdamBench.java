// Part of bench/experiments/vector-loops/run.sh: a measurement, not the product.
import java.nio.*;
import java.util.concurrent.*;
public class AdamBench {
  static final int N = 1863690; static final int CHUNK = Integer.getInteger("chunk",4096);
  static ExecutorService pool = Executors.newFixedThreadPool(1);
  static float b1=0.9f,b2=0.999f,eps=1e-8f,step=1e-3f,batch=256f,k1=0.1f,k2=0.001f;
  static void chunked(FloatBuffer g, FloatBuffer mb, FloatBuffer vb, FloatBuffer p, int from, int to) {
    float[] gc=new float[CHUNK],mc=new float[CHUNK],vc=new float[CHUNK],pc=new float[CHUNK];
    for (int s=from;s<to;s+=CHUNK){int len=Math.min(CHUNK,to-s);
      g.get(s,gc,0,len);mb.get(s,mc,0,len);vb.get(s,vc,0,len);
      for(int i=0;i<len;i++){float gr=gc[i]/batch;float mi=b1*mc[i]+gr*k1;float vi=b2*vc[i]+gr*gr*k2;mc[i]=mi;vc[i]=vi;gc[i]=(mi*step)/((float)Math.sqrt(vi)+eps);}
      mb.put(s,mc,0,len);vb.put(s,vc,0,len);p.get(s,pc,0,len);for(int i=0;i<len;i++)pc[i]-=gc[i];p.put(s,pc,0,len);}
  }
  static void heap(float[] g,float[] m,float[] v,float[] p,int from,int to){
    for(int i=from;i<to;i++){float gr=g[i]/batch;float mi=b1*m[i]+gr*k1;float vi=b2*v[i]+gr*gr*k2;m[i]=mi;v[i]=vi;p[i]-=(mi*step)/((float)Math.sqrt(vi)+eps);}
  }
  static void copyOnly(FloatBuffer a, FloatBuffer b, int from,int to){ float[] c=new float[CHUNK]; for(int s=from;s<to;s+=CHUNK){int len=Math.min(CHUNK,to-s);a.get(s,c,0,len);b.put(s,c,0,len);} }
  interface R{void run(int f,int t);}
  static void par(R r) throws Exception { int h=N/2; Future<?> f=pool.submit(()->r.run(h,N)); r.run(0,h); f.get(); }
  static FloatBuffer d(){return ByteBuffer.allocateDirect(N*4).order(ByteOrder.nativeOrder()).asFloatBuffer();}
  public static void main(String[] a) throws Exception {
    FloatBuffer g=d(),m=d(),v=d(),p=d(); float[] gh=new float[N],mh=new float[N],vh=new float[N],ph=new float[N];
    for(int i=0;i<N;i++){g.put(i,(float)Math.sin(i));gh[i]=g.get(i);}
    for (int round=0;round<5;round++){
      long t0=System.nanoTime(); for(int k=0;k<50;k++) par((f,t)->chunked(g,m,v,p,f,t)); long t1=System.nanoTime();
      for(int k=0;k<50;k++) par((f,t)->heap(gh,mh,vh,ph,f,t)); long t2=System.nanoTime();
      for(int k=0;k<50;k++) par((f,t)->{copyOnly(g,m,f,t);copyOnly(v,p,f,t);}); long t3=System.nanoTime();
      for(int k=0;k<50;k++) {chunked(g,m,v,p,0,N);} long t4=System.nanoTime();
      System.out.printf("chunked-2t %.2f ms  heap-2t %.2f ms  copy2x-2t %.2f ms  chunked-1t %.2f ms%n",(t1-t0)/50e6,(t2-t1)/50e6,(t3-t2)/50e6,(t4-t3)/50e6);
    }
    pool.shutdown();
  }
}
