package io.flowlane.bindings;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * AES-GCM through the shim's intel-ipsec-mb wrappers (native/src/main/c/flowlane_crypto.c).
 *
 * <p>Written by hand like {@link FastPath}: seal and open run once per ESP packet, so they are
 * critical downcalls with pointers passed as {@code long} addresses (no MemorySegment per call).
 * A context is read-only once keyed; keep one per security association and worker anyway, so
 * each worker reads key material from its own cache lines.
 */
public final class AesGcm
{
    public static final int TAG_LENGTH = 16;
    public static final int NONCE_LENGTH = 12;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle NEW = LINKER.downcallHandle(
        flowlane_shim_h.findOrThrow("fl_gcm_new"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle FREE = LINKER.downcallHandle(
        flowlane_shim_h.findOrThrow("fl_gcm_free"), FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final FunctionDescriptor CRYPT = FunctionDescriptor.of(
        JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
    private static final MethodHandle SEAL = LINKER.downcallHandle(
        flowlane_shim_h.findOrThrow("fl_gcm_seal"), CRYPT, Linker.Option.critical(false));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
        flowlane_shim_h.findOrThrow("fl_gcm_open"), CRYPT, Linker.Option.critical(false));

    private AesGcm()
    {
    }

    /**
     * A new context keyed with {@code key} (16, 24 or 32 bytes) for sealing or for opening.
     * The key schedule is computed into the context and the temporary native copy of the key is zeroed.
     */
    public static long newContext(final byte[] key, final boolean encrypt)
    {
        if (key.length != 16 && key.length != 24 && key.length != 32)
        {
            throw new IllegalArgumentException("AES-GCM key is " + key.length + " bytes; it must be 16, 24 or 32");
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment keyCopy = arena.allocate(key.length);
            MemorySegment.copy(key, 0, keyCopy, JAVA_BYTE, 0, key.length);
            final long ctx = (long)NEW.invokeExact(keyCopy.address(), key.length, encrypt ? 1 : 0);
            keyCopy.fill((byte)0);
            if (ctx == 0)
            {
                throw new IllegalStateException("could not create an AES-GCM context (key length or memory)");
            }
            return ctx;
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static void freeContext(final long ctx)
    {
        try
        {
            FREE.invokeExact(ctx);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** Encrypts {@code len} bytes at {@code data} in place and writes the 16-byte tag; false if the library refused (a negative length). */
    public static boolean seal(final long ctx, final long nonce, final long aad, final int aadLength,
        final long data, final int len, final long tag)
    {
        try
        {
            return (int)SEAL.invokeExact(ctx, nonce, aad, aadLength, data, len, tag) == 1;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** Decrypts in place and verifies the tag: true only if authentic (else the bytes must not be used). */
    public static boolean open(final long ctx, final long nonce, final long aad, final int aadLength,
        final long data, final int len, final long tag)
    {
        try
        {
            return (int)OPEN.invokeExact(ctx, nonce, aad, aadLength, data, len, tag) == 1;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }
}
