package io.flowlane.perf.jmh;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.packet.NativeMemory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AES-GCM per ESP packet, the way the packet path has to call it: a burst of 32 off-heap packet
 * buffers (as mbufs are), each sealed or opened in place with its own nonce (salt ‖ 64-bit
 * sequence number) and the 12-byte ESN AAD (SPI ‖ seq-high ‖ seq-low), one security association.
 *
 * <ul>
 * <li>{@code jdk}: {@code javax.crypto} "AES/GCM/NoPadding", one {@link Cipher} per SA and
 *     direction. Per packet {@code init(mode, key, new GCMParameterSpec(128, iv))} (the JDK refuses
 *     to encrypt twice with one key and IV, so every packet needs a fresh init), {@code updateAAD},
 *     {@code doFinal} over direct ByteBuffers that view the packet memory. The views are made
 *     once and only re-positioned per packet, so what {@code -prof gc} shows is the JDK's own
 *     allocation, not the benchmark's.</li>
 * <li>{@code openssl-ffm}: OpenSSL's EVP interface (libcrypto 3), one critical FFM downcall per
 *     packet into a C wrapper doing nonce, AAD, encryption and tag with an EVP context per SA
 *     keyed once — the shim's code as the tunnels module first shipped it (commit d7b2bb3).</li>
 * <li>{@code ipsec-mb-ffm}: intel-ipsec-mb's GCM functions (the engine of DPDK's
 *     crypto_aesni_gcm PMD) called directly, one critical FFM downcall per packet, key schedule
 *     and GHASH powers precomputed per SA.</li>
 * <li>{@code shim}: what esp-encrypt / esp-decrypt call — {@link AesGcm#seal} / {@link AesGcm#open}
 *     in the shim, whichever library it is built on.</li>
 * </ul>
 *
 * <p>The two reference wrappers live in {@code libflowlane_gcm_ref.so}, which
 * perf/crypto-compare.sh compiles (its C source is in that script) into perf/target/crypto-compare/;
 * {@code -Dflowlane.gcmRef=/path/lib.so} points elsewhere. The FFM paths pass nonce and AAD in
 * native scratch memory, as the stages do, and allocate nothing.
 *
 * <p>{@link #decrypt} first copies the packet's pristine ciphertext back (in-place decryption
 * overwrites it); {@link #restore} is that copy alone, to subtract. Decryption always checks the
 * tag; a failed check throws, so a benchmark that silently measured rejects cannot pass.
 * DPDK cryptodev is measured with dpdk-test-crypto-perf (perf/crypto-compare.sh runs both).
 *
 * <pre>./flowlane crypto-compare        (builds the reference library, runs this and DPDK's crypto-perf)
 * ./flowlane java org.openjdk.jmh.Main AesGcmBenchmark -prof gc -p implementation=jdk,shim</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class AesGcmBenchmark
{
    static final int BURST = 32;
    /** Bytes per packet buffer: room for 1400 bytes of payload and the tag, cache-line aligned. */
    static final int STRIDE = 2048;
    static final int TAG = AesGcm.TAG_LENGTH;
    static final int AAD_LENGTH = 12;
    static final int SPI = 0x1001;
    static final int SALT = 0x0102_0304;
    static final String REF_PROPERTY = "flowlane.gcmRef";
    static final String REF_DEFAULT = "perf/target/crypto-compare/libflowlane_gcm_ref.so";

    /** One critical downcall per packet into the reference wrappers: (ctx, nonce, aad, aadLength, data, length, tag). */
    static final class Reference
    {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup LIBRARY = load();
        private static final FunctionDescriptor NEW = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT);
        private static final FunctionDescriptor CRYPT = FunctionDescriptor.of(
            JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
        static final MethodHandle OSSL_NEW = handle("ref_ossl_new", NEW);
        static final MethodHandle OSSL_FREE = handle("ref_ossl_free", FunctionDescriptor.ofVoid(JAVA_LONG));
        static final MethodHandle OSSL_SEAL = handle("ref_ossl_seal", CRYPT, Linker.Option.critical(false));
        static final MethodHandle OSSL_OPEN = handle("ref_ossl_open", CRYPT, Linker.Option.critical(false));
        static final MethodHandle IMB_NEW = handle("ref_imb_new", NEW);
        static final MethodHandle IMB_FREE = handle("ref_imb_free", FunctionDescriptor.ofVoid(JAVA_LONG));
        static final MethodHandle IMB_SEAL = handle("ref_imb_seal", CRYPT, Linker.Option.critical(false));
        static final MethodHandle IMB_OPEN = handle("ref_imb_open", CRYPT, Linker.Option.critical(false));

        private static SymbolLookup load()
        {
            final Path path = Path.of(System.getProperty(REF_PROPERTY, REF_DEFAULT));
            if (!Files.isReadable(path))
            {
                throw new IllegalStateException(path + " is missing: perf/crypto-compare.sh builds it (or run with " +
                    "-p implementation=jdk,shim, or -D" + REF_PROPERTY + "=/path/libflowlane_gcm_ref.so)");
            }
            return SymbolLookup.libraryLookup(path, Arena.global());
        }

        private static MethodHandle handle(final String name, final FunctionDescriptor descriptor, final Linker.Option... options)
        {
            return LINKER.downcallHandle(LIBRARY.findOrThrow(name), descriptor, options);
        }

        static long newContext(final boolean ipsecMb, final byte[] key, final boolean encrypt)
        {
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment copy = arena.allocate(key.length);
                MemorySegment.copy(key, 0, copy, JAVA_BYTE, 0, key.length);
                final long ctx = (long)(ipsecMb ? IMB_NEW : OSSL_NEW).invokeExact(copy.address(), key.length, encrypt ? 1 : 0);
                copy.fill((byte)0);
                if (ctx == 0)
                {
                    throw new IllegalStateException("reference AES-GCM context failed");
                }
                return ctx;
            }
            catch (final RuntimeException | Error ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                throw new AssertionError(ex);
            }
        }

        static void free(final boolean ipsecMb, final long ctx)
        {
            try
            {
                (ipsecMb ? IMB_FREE : OSSL_FREE).invokeExact(ctx);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError(ex);
            }
        }
    }

    /** Which code seals and opens. */
    static final int JDK = 0;
    static final int OPENSSL = 1;
    static final int IPSEC_MB = 2;
    static final int SHIM = 3;

    /** One packet sealed (encrypt) or opened (decrypt, tag checked) through an FFM path; false if it failed. */
    static boolean crypt(final int kind, final boolean encrypt, final long ctx, final long nonce, final long aad,
        final long data, final int len)
    {
        try
        {
            return switch (kind)
            {
                case OPENSSL -> (int)(encrypt ? Reference.OSSL_SEAL : Reference.OSSL_OPEN)
                    .invokeExact(ctx, nonce, aad, AAD_LENGTH, data, len, data + len) == 1;
                case IPSEC_MB -> (int)(encrypt ? Reference.IMB_SEAL : Reference.IMB_OPEN)
                    .invokeExact(ctx, nonce, aad, AAD_LENGTH, data, len, data + len) == 1;
                default -> encrypt ? AesGcm.seal(ctx, nonce, aad, AAD_LENGTH, data, len, data + len)
                    : AesGcm.open(ctx, nonce, aad, AAD_LENGTH, data, len, data + len);
            };
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** One SA's keys and contexts over a burst of packet buffers. */
    @State(Scope.Thread)
    public static class Sa
    {
        @Param({"jdk", "openssl-ffm", "ipsec-mb-ffm", "shim"})
        public String implementation;
        @Param({"128", "256"})
        public int keyBits;
        /** Bytes encrypted per packet (ESP payload: inner packet, padding, trailer). */
        @Param({"64", "1400"})
        public int payload;

        final Arena arena = Arena.ofShared();
        boolean jdk;
        int kind;
        long packets;
        MemorySegment packetMemory;
        /** Per packet: the ciphertext and tag decrypt starts from (sequence number i + 1). */
        long pristine;
        long sequence;

        // jdk
        SecretKeySpec key;
        Cipher sealer;
        Cipher opener;
        ByteBuffer in;
        ByteBuffer out;
        final byte[] iv = new byte[12];
        final byte[] aad = new byte[AAD_LENGTH];

        // FFM paths
        long sealContext;
        long openContext;
        long nonce;
        long aadNative;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException
        {
            kind = switch (implementation)
            {
                case "jdk" -> JDK;
                case "openssl-ffm" -> OPENSSL;
                case "ipsec-mb-ffm" -> IPSEC_MB;
                case "shim" -> SHIM;
                default -> throw new IllegalArgumentException("implementation " + implementation + ": jdk, openssl-ffm, ipsec-mb-ffm or shim");
            };
            jdk = kind == JDK;
            final byte[] keyBytes = new byte[keyBits / 8];
            for (int b = 0; b < keyBytes.length; b++)
            {
                keyBytes[b] = (byte)(0x11 * b + 7);
            }
            packetMemory = arena.allocate((long)BURST * STRIDE, 64);
            packets = packetMemory.address();
            for (int b = 0; b < BURST * STRIDE; b++)
            {
                NativeMemory.u8(packets + b, b * 31 + 5);
            }
            nonce = arena.allocate(16, 16).address();
            aadNative = arena.allocate(16, 16).address();
            key = new SecretKeySpec(keyBytes, "AES");
            sealer = Cipher.getInstance("AES/GCM/NoPadding");
            opener = Cipher.getInstance("AES/GCM/NoPadding");
            in = packetMemory.asByteBuffer();
            out = packetMemory.asByteBuffer();
            // The JDK is the yardstick: every FFM path must produce its bytes. (jdk checks against the shim.)
            final int check = jdk ? SHIM : kind;
            sealContext = newContext(check, keyBytes, true);
            openContext = newContext(check, keyBytes, false);
            final int sealed = payload + TAG;
            final MemorySegment copy = arena.allocate((long)BURST * STRIDE, 64);
            MemorySegment.copy(packetMemory, 0, copy, 0, packetMemory.byteSize());
            for (int i = 0; i < BURST; i++)
            {
                final long seq = i + 1;
                final int offset = i * STRIDE;
                jdkCrypt(sealer, Cipher.ENCRYPT_MODE, seq, offset, payload, payload + TAG);
                nativePrepare(seq);
                if (!crypt(check, true, sealContext, nonce, aadNative, copy.address() + offset, payload))
                {
                    throw new IllegalStateException(implementation + ": seal failed");
                }
                if (MemorySegment.mismatch(packetMemory, offset, offset + sealed, copy, offset, offset + sealed) != -1)
                {
                    throw new IllegalStateException("javax.crypto and " + implementation + " disagree on packet " + i);
                }
            }
            pristine = arena.allocate((long)BURST * STRIDE, 64).address();
            NativeMemory.move(packets, pristine, (long)BURST * STRIDE);
            Arrays.fill(keyBytes, (byte)0);
            sequence = 1_000_000;
        }

        void jdkPrepare(final long seq)
        {
            be32(iv, 0, SALT);
            be32(iv, 4, (int)(seq >>> 32));
            be32(iv, 8, (int)seq);
            be32(aad, 0, SPI);
            be32(aad, 4, (int)(seq >>> 32));
            be32(aad, 8, (int)seq);
        }

        /** One packet through javax.crypto: fresh init with this packet's IV, AAD, doFinal in place. */
        void jdkCrypt(final Cipher cipher, final int mode, final long seq, final int offset, final int inLength, final int outLength)
            throws GeneralSecurityException
        {
            jdkPrepare(seq);
            cipher.init(mode, key, new GCMParameterSpec(TAG * 8, iv));
            cipher.updateAAD(aad);
            in.limit(offset + inLength).position(offset);
            out.limit(offset + outLength).position(offset);
            cipher.doFinal(in, out);
        }

        static long newContext(final int kind, final byte[] key, final boolean encrypt)
        {
            return kind == SHIM ? AesGcm.newContext(key, encrypt) : Reference.newContext(kind == IPSEC_MB, key, encrypt);
        }

        static void freeContext(final int kind, final long ctx)
        {
            if (kind == SHIM)
            {
                AesGcm.freeContext(ctx);
            }
            else
            {
                Reference.free(kind == IPSEC_MB, ctx);
            }
        }

        /** Nonce and AAD into native scratch, as esp-encrypt writes them. */
        void nativePrepare(final long seq)
        {
            NativeMemory.u32be(nonce, SALT);
            NativeMemory.u64be(nonce + 4, seq);
            NativeMemory.u32be(aadNative, SPI);
            NativeMemory.u32be(aadNative + 4, (int)(seq >>> 32));
            NativeMemory.u32be(aadNative + 8, (int)seq);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            final int check = jdk ? SHIM : kind;
            freeContext(check, sealContext);
            freeContext(check, openContext);
            arena.close();
        }
    }

    /** Packet buffers only, for {@link #restore}. */
    @State(Scope.Thread)
    public static class Buffers
    {
        @Param({"64", "1400"})
        public int payload;
        final Arena arena = Arena.ofShared();
        long packets;
        long pristine;

        @Setup(Level.Trial)
        public void setUp()
        {
            packets = arena.allocate((long)BURST * STRIDE, 64).address();
            pristine = arena.allocate((long)BURST * STRIDE, 64).address();
            NativeMemory.zero(pristine, BURST * STRIDE);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            arena.close();
        }
    }

    static void be32(final byte[] to, final int at, final int value)
    {
        to[at] = (byte)(value >>> 24);
        to[at + 1] = (byte)(value >>> 16);
        to[at + 2] = (byte)(value >>> 8);
        to[at + 3] = (byte)value;
    }

    /** Seals a burst of packets, each with the SA's next sequence number. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long encrypt(final Sa sa) throws GeneralSecurityException
    {
        final int payload = sa.payload;
        long seq = sa.sequence;
        if (sa.jdk)
        {
            for (int i = 0; i < BURST; i++)
            {
                sa.jdkCrypt(sa.sealer, Cipher.ENCRYPT_MODE, ++seq, i * STRIDE, payload, payload + TAG);
            }
        }
        else
        {
            final int kind = sa.kind;
            for (int i = 0; i < BURST; i++)
            {
                sa.nativePrepare(++seq);
                if (!crypt(kind, true, sa.sealContext, sa.nonce, sa.aadNative, sa.packets + (long)i * STRIDE, payload))
                {
                    throw new IllegalStateException("seal failed");
                }
            }
        }
        sa.sequence = seq;
        return seq;
    }

    /** Opens a burst of authentic packets in place (tag checked), after restoring their ciphertext. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long decrypt(final Sa sa) throws GeneralSecurityException
    {
        final int payload = sa.payload;
        final int sealed = payload + TAG;
        long opened = 0;
        for (int i = 0; i < BURST; i++)
        {
            final long offset = (long)i * STRIDE;
            NativeMemory.move(sa.pristine + offset, sa.packets + offset, sealed);
            if (sa.jdk)
            {
                sa.jdkCrypt(sa.opener, Cipher.DECRYPT_MODE, i + 1, (int)offset, sealed, payload);
            }
            else
            {
                sa.nativePrepare(i + 1);
                if (!crypt(sa.kind, false, sa.openContext, sa.nonce, sa.aadNative, sa.packets + offset, payload))
                {
                    throw new IllegalStateException("tag check failed on an authentic packet");
                }
            }
            opened++;
        }
        return opened;
    }

    /** The ciphertext copy {@link #decrypt} does before each packet, alone. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long restore(final Buffers b)
    {
        final int sealed = b.payload + TAG;
        for (int i = 0; i < BURST; i++)
        {
            final long offset = (long)i * STRIDE;
            NativeMemory.move(b.pristine + offset, b.packets + offset, sealed);
        }
        return b.packets;
    }
}
