// SHA-256 through OpenSSL's libcrypto (Java's foreign function API) against the JDK's own, over an MLP checkpoint's
// 22.4 MB in the 64 KB pieces the checkpoint writer's streams hand over; rounds take turns, the thread's CPU time of
// each. Tried for the checkpoint writer and not kept (docs/performance.md, "SHA-256 through OpenSSL: tried, not kept").
// Run (Java 22 or later, no build needed): bench/experiments/native-sha256/run.sh [ROUNDS (12)]
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Supplier;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

public final class NativeSha256Bench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 16;

    public static void main(String[] args) {
        Supplier<MessageDigest> openssl = NativeSha256.factory();
        if (openssl == null) {
            System.out.println("no working libcrypto found");
            return;
        }
        byte[] data = new byte[22_400_000];
        new Random(1).nextBytes(data);
        System.out.println("OpenSSL: " + openssl + "; Java " + Runtime.version());
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        for (int round = 0; round < rounds; round++) {
            double jdk = cpuMillis(NativeSha256Bench::jdk, data);
            double ours = cpuMillis(openssl, data);
            System.out.printf("round %2d: JDK %.1f ms (%.2f GB/s), OpenSSL %.1f ms (%.2f GB/s)%n", round, jdk,
                    data.length / jdk / 1e6, ours, data.length / ours / 1e6);
        }
    }

    static MessageDigest jdk() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double cpuMillis(Supplier<MessageDigest> digests, byte[] data) {
        long start = THREADS.getCurrentThreadCpuTime();
        MessageDigest digest = digests.get();
        for (int o = 0; o < data.length; o += CHUNK) {
            digest.update(data, o, Math.min(CHUNK, data.length - o));
        }
        digest.digest();
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
    }
}

/** SHA-256 through libcrypto's EVP functions, as a plain MessageDigest; checked against the JDK's when loaded. */
final class NativeSha256 extends MessageDigest {

    /**
     * Arrays on the Java heap are hashed in place, in calls that hold off the garbage collector while they run: at
     * most this much per call (~0.2 ms) so that no collection waits long for one.
     */
    private static final int PIECE = 1 << 18;
    private static final int LENGTH = 32;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Library library;
    private final MemorySegment context;
    private final MemorySegment out;
    private final byte[] one = new byte[1];

    NativeSha256(Library library) {
        super("SHA-256");
        this.library = library;
        this.context = library.newContext();
        MemorySegment owned = context;
        // The context lives in native memory: freed once this digest is unreachable.
        CLEANER.register(this, () -> library.free(owned));
        this.out = Arena.ofAuto().allocate(LENGTH);
        library.init(context);
    }

    /**
     * Makes digests through the first libcrypto found, once it gave the JDK's digests for inputs that take every
     * path here (single bytes, heap arrays over several pieces, native buffers); null where none loads or passes.
     * Its {@code toString} names the library's version. Called by {@link Sha256} (reflectively: Java 25 bytecode).
     */
    static Supplier<MessageDigest> factory() {
        Library library = Library.load();
        if (library == null || !agreesWithTheJdk(library)) {
            return null;
        }
        return new Supplier<>() {
            @Override
            public MessageDigest get() {
                return new NativeSha256(library);
            }

            @Override
            public String toString() {
                return library.version();
            }
        };
    }

    private static boolean agreesWithTheJdk(Library library) {
        byte[] data = new byte[2 * PIECE + 77];
        new Random(7).nextBytes(data);
        MessageDigest ours = new NativeSha256(library);
        MessageDigest jdk = NativeSha256Bench.jdk();
        for (MessageDigest digest : new MessageDigest[] {ours, jdk}) {
            digest.update(data[0]);
            digest.update(data, 1, data.length - 1);
            ByteBuffer direct = ByteBuffer.allocateDirect(1000).put(data, 0, 1000).flip();
            digest.update(direct);
        }
        return Arrays.equals(ours.digest(), jdk.digest()) && Arrays.equals(ours.digest(), jdk.digest());
    }

    @Override
    protected void engineUpdate(byte input) {
        one[0] = input;
        engineUpdate(one, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        MemorySegment array = MemorySegment.ofArray(input);
        for (int at = offset, end = offset + len; at < end; at += PIECE) {
            int n = Math.min(PIECE, end - at);
            library.updateHeap(context, array.asSlice(at, n), n);
        }
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        if (!input.isDirect()) {
            super.engineUpdate(input);
            return;
        }
        int n = input.remaining();
        library.update(context, MemorySegment.ofBuffer(input), n);
        input.position(input.limit());
    }

    @Override
    protected byte[] engineDigest() {
        library.finish(context, out);
        library.init(context);
        return out.toArray(JAVA_BYTE);
    }

    @Override
    protected void engineReset() {
        library.init(context);
    }

    @Override
    protected int engineGetDigestLength() {
        return LENGTH;
    }

    /** libcrypto's EVP digest functions, bound once. */
    static final class Library {

        private static final String[] NAMES = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};

        private final String version;
        private final MemorySegment sha256;
        private final MethodHandle newContext;
        private final MethodHandle freeContext;
        private final MethodHandle init;
        private final MethodHandle update;
        private final MethodHandle updateHeap;
        private final MethodHandle finish;

        private Library(String version, MemorySegment sha256, MethodHandle newContext, MethodHandle freeContext,
                MethodHandle init, MethodHandle update, MethodHandle updateHeap, MethodHandle finish) {
            this.version = version;
            this.sha256 = sha256;
            this.newContext = newContext;
            this.freeContext = freeContext;
            this.init = init;
            this.update = update;
            this.updateHeap = updateHeap;
            this.finish = finish;
        }

        String version() {
            return version;
        }

        /** The first libcrypto that loads and has the functions; null where there is none. */
        static Library load() {
            if (ADDRESS.byteSize() != Long.BYTES) {
                return null; // size_t is bound as a long below
            }
            for (String name : NAMES) {
                try {
                    return bind(SymbolLookup.libraryLookup(name, Arena.global()));
                } catch (IllegalArgumentException | NoSuchElementException e) {
                    // no library by this name, or it lacks a function: try the next
                }
            }
            return null;
        }

        private static Library bind(SymbolLookup crypto) {
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor update = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
            MethodHandle version = linker.downcallHandle(crypto.findOrThrow("OpenSSL_version"),
                    FunctionDescriptor.of(ADDRESS, JAVA_INT));
            MethodHandle sha256 = linker.downcallHandle(crypto.findOrThrow("EVP_sha256"),
                    FunctionDescriptor.of(ADDRESS));
            try {
                MemorySegment text = (MemorySegment) version.invokeExact(0); // OPENSSL_VERSION
                return new Library(text.reinterpret(256).getString(0), (MemorySegment) sha256.invokeExact(),
                        linker.downcallHandle(crypto.findOrThrow("EVP_MD_CTX_new"), FunctionDescriptor.of(ADDRESS)),
                        linker.downcallHandle(crypto.findOrThrow("EVP_MD_CTX_free"),
                                FunctionDescriptor.ofVoid(ADDRESS)),
                        linker.downcallHandle(crypto.findOrThrow("EVP_DigestInit_ex"),
                                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)),
                        linker.downcallHandle(crypto.findOrThrow("EVP_DigestUpdate"), update),
                        // Heap arrays can be passed only to calls that run without a safepoint.
                        linker.downcallHandle(crypto.findOrThrow("EVP_DigestUpdate"), update,
                                Linker.Option.critical(true)),
                        linker.downcallHandle(crypto.findOrThrow("EVP_DigestFinal_ex"),
                                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        MemorySegment newContext() {
            MemorySegment context;
            try {
                context = (MemorySegment) newContext.invokeExact();
            } catch (Throwable e) {
                throw rethrown(e);
            }
            if (context.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("EVP_MD_CTX_new returned NULL");
            }
            return context;
        }

        void free(MemorySegment context) {
            try {
                freeContext.invokeExact(context);
            } catch (Throwable e) {
                throw rethrown(e);
            }
        }

        void init(MemorySegment context) {
            int result;
            try {
                result = (int) init.invokeExact(context, sha256, MemorySegment.NULL);
            } catch (Throwable e) {
                throw rethrown(e);
            }
            check(result, "EVP_DigestInit_ex");
        }

        void update(MemorySegment context, MemorySegment data, long length) {
            update(update, context, data, length);
        }

        void updateHeap(MemorySegment context, MemorySegment data, long length) {
            update(updateHeap, context, data, length);
        }

        private static void update(MethodHandle function, MemorySegment context, MemorySegment data, long length) {
            int result;
            try {
                result = (int) function.invokeExact(context, data, length);
            } catch (Throwable e) {
                throw rethrown(e);
            }
            check(result, "EVP_DigestUpdate");
        }

        void finish(MemorySegment context, MemorySegment out) {
            int result;
            try {
                result = (int) finish.invokeExact(context, out, MemorySegment.NULL);
            } catch (Throwable e) {
                throw rethrown(e);
            }
            check(result, "EVP_DigestFinal_ex");
        }

        private static RuntimeException rethrown(Throwable e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error error) {
                throw error;
            }
            return new IllegalStateException(e);
        }

        private static void check(int result, String function) {
            if (result != 1) {
                throw new IllegalStateException(function + " failed (OpenSSL returned " + result + ")");
            }
        }
    }
}
