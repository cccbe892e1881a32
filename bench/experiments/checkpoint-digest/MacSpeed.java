import java.security.*; import javax.crypto.*; import javax.crypto.spec.*;
public class MacSpeed {
  public static void main(String[] a) throws Exception {
    byte[] data = new byte[22_400_000]; new java.util.Random(1).nextBytes(data);
    byte[] out = new byte[(1<<20) + 16];
    SecureRandom rnd = new SecureRandom();
    for (int round = 0; round < 6; round++) {
      long t0 = System.nanoTime(); MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < 10; i++) { md.update(data); md.digest(); }
      long t1 = System.nanoTime();
      for (int i = 0; i < 10; i++) { byte[] key = new byte[16]; rnd.nextBytes(key); byte[] iv = new byte[12];
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding"); c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        for (int off=0; off<data.length; off+=1<<20) c.update(data, off, Math.min(1<<20, data.length-off), out, 0); c.doFinal(out, 0); }
      long t2 = System.nanoTime();
      for (int i = 0; i < 10; i++) { byte[] key = new byte[32]; rnd.nextBytes(key); byte[] iv = new byte[12];
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305"); c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
        for (int off=0; off<data.length; off+=1<<20) c.updateAAD(data, off, Math.min(1<<20, data.length-off)); c.doFinal(); }
      long t3 = System.nanoTime();
      for (int i = 0; i < 10; i++) { byte[] key = new byte[32]; rnd.nextBytes(key);
        Mac m = Mac.getInstance("HmacSHA256"); m.init(new SecretKeySpec(key, "HmacSHA256")); m.update(data); m.doFinal(); }
      long t4 = System.nanoTime();
      System.out.printf("SHA-256 %.1f ms  AES-GCM enc %.1f ms  ChaCha20-Poly1305 AAD %.1f ms  HMAC %.1f ms (per 22.4 MB)%n", (t1-t0)/1e7, (t2-t1)/1e7, (t3-t2)/1e7, (t4-t3)/1e7);
    }
  }
}
