// CPU and wall time of Network.snapshot(), Snapshot.save() to a file and SHA-256 of the result for the bench MLP
// (784-1024-1024-10, Adam: 22 MB), six times in one JVM (docs/performance.md, "Background checkpoints and bulk copies").
import io.trainyard.engine.Network;
import io.trainyard.spec.TrainingSpec;
import java.lang.management.ManagementFactory;
public class CheckpointCpu {
    public static void main(String[] a) throws Exception {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        String spec = "{\"input\":{\"type\":\"features\",\"size\":784},\"task\":{\"type\":\"classification\",\"classes\":10},\"layers\":[{\"type\":\"dense\",\"units\":1024},{\"type\":\"dense\",\"units\":1024}],\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.001}}";
        Network net = Network.build(json.readValue(spec, TrainingSpec.class));
        var bean = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 6; i++) {
            long c0 = bean.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            Network.Snapshot s = net.snapshot();
            long c1 = bean.getCurrentThreadCpuTime(), t1 = System.nanoTime();
            java.io.OutputStream out = new java.io.BufferedOutputStream(new java.io.FileOutputStream("" + System.getProperty("java.io.tmpdir") + "/trainyard-ckpt-cpu.bin"), 1 << 16);
            s.save(out); out.close(); s.close();
            long c2 = bean.getCurrentThreadCpuTime(), t2 = System.nanoTime();
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            byte[] all = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("" + System.getProperty("java.io.tmpdir") + "/trainyard-ckpt-cpu.bin"));
            long c3 = bean.getCurrentThreadCpuTime();
            d.update(all);
            long c4 = bean.getCurrentThreadCpuTime();
            System.out.printf("snapshot cpu %.3f wall %.3f | save cpu %.3f wall %.3f | sha256 cpu %.3f (%d bytes)%n",
                (c1-c0)/1e9, (t1-t0)/1e9, (c2-c1)/1e9, (t2-t1)/1e9, (c4-c3)/1e9, all.length);
        }
    }
}
