import java.security.*; import javax.crypto.*; import javax.crypto.spec.*; import java.util.zip.*;
public class DigestSpeed {
  public static void main(String[] a) throws Exception {
    byte[] data = new byte[22_400_000]; new java.util.Random(1).nextBytes(data);
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime(); MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < 10; i++) { md.update(data); md.digest(); }
      long t1 = System.nanoTime();
      SecretKey k = KeyGenerator.getInstance("AES").generateKey(); byte[] iv = new byte[12];
      for (int i = 0; i < 10; i++) { Cipher c = Cipher.getInstance("AES/GCM/NoPadding"); iv[0]=(byte)i; c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv)); for (int off=0; off<data.length; off+=1<<20) c.updateAAD(data, off, Math.min(1<<20, data.length-off)); c.doFinal(); }
      long t2 = System.nanoTime();
      for (int i = 0; i < 10; i++) { CRC32C crc = new CRC32C(); crc.update(data); crc.getValue(); }
      long t3 = System.nanoTime();
      System.out.printf("SHA-256 %.1f ms (%.2f GB/s)  GMAC %.1f ms (%.2f GB/s)  CRC32C %.1f ms%n", (t1-t0)/1e7, 10*data.length/(double)(t1-t0), (t2-t1)/1e7, 10*data.length/(double)(t2-t1), (t3-t2)/1e7);
    }
  }
}
