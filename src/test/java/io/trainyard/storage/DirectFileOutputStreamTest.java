package io.trainyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectFileOutputStreamTest {

    @TempDir
    Path folder;

    private int block;

    /** Asked of the file system itself, not of the class under test. */
    @BeforeEach
    void fileSystemTakesDirectWrites() throws Exception {
        block = (int) Files.getFileStore(folder).getBlockSize();
        Path probe = folder.resolve("probe");
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            assertThat(channel.isOpen()).isTrue();
        } catch (IOException e) {
            assumeThat(e).as("this file system does not take O_DIRECT writes").isNull();
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Lengths around the block and the buffer (two blocks here): the tail is padded, then cut back. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 3 * 8192 + 17, 1 << 20})
    void writesExactlyTheBytesGivenWhateverTheLength(int length) throws Exception {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        Path file = folder.resolve("f");

        try (DirectFileOutputStream out = DirectFileOutputStream.create(file, block, 2 * block)) {
            // single bytes, pieces smaller than a block and pieces larger than the buffer, in turn
            int at = 0;
            int step = 0;
            while (at < length) {
                int n = Math.min(length - at, switch (step++ % 3) {
                    case 0 -> 1;
                    case 1 -> 511;
                    default -> 5 * block + 3;
                });
                if (n == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, n);
                }
                at += n;
            }
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(data);
    }

    @Test
    void theProbeFindsTheBlockSizeAndLeavesNothingBehind() throws Exception {
        assertThat(DirectFileOutputStream.blockSizeIn(folder, ".part")).isEqualTo(block);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }

    /** A closed stream's buffer goes to the next stream: writing to it afterwards must not reach that one. */
    @Test
    void closingTwiceWritesTheTailOnceAndAClosedStreamTakesNoMore() throws Exception {
        Path file = folder.resolve("f");
        DirectFileOutputStream out = DirectFileOutputStream.create(file, block, block);
        out.write(new byte[] {1, 2, 3});
        out.close();
        out.close();
        assertThatThrownBy(() -> out.write(4)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> out.write(new byte[] {5}, 0, 1)).isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    }

    /** Buffers are reused between streams: a shorter file after a longer one holds none of the longer one's bytes. */
    @Test
    void aReusedBufferCarriesNothingOver() throws Exception {
        byte[] longer = new byte[5 * block + 7];
        byte[] shorter = new byte[2 * block + 3];
        new Random(5).nextBytes(longer);
        new Random(6).nextBytes(shorter);
        try (DirectFileOutputStream out = DirectFileOutputStream.create(folder.resolve("longer"), block, 1 << 20)) {
            out.write(longer);
        }
        try (DirectFileOutputStream out = DirectFileOutputStream.create(folder.resolve("shorter"), block, 1 << 20)) {
            out.write(shorter);
        }
        assertThat(Files.readAllBytes(folder.resolve("longer"))).isEqualTo(longer);
        assertThat(Files.readAllBytes(folder.resolve("shorter"))).isEqualTo(shorter);
    }
}
