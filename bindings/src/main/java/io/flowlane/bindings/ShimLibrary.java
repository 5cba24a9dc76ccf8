package io.flowlane.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds and loads libflowlane_shim.so once per process.
 *
 * <p>The library ships inside the flowlane-native jar; FFM can only load from a file, so it is
 * copied out to a temporary file on first use. {@code -Dflowlane.shim.path=/path/lib.so} overrides
 * that (useful when iterating on the C side). DPDK's own libraries are pulled in by the shim's
 * DT_NEEDED entries, and EAL loads the PMD plugins from its compiled-in driver directory.
 */
public final class ShimLibrary
{
    public static final String PATH_PROPERTY = "flowlane.shim.path";
    private static final String RESOURCE = "/native/linux-x86_64/libflowlane_shim.so";

    private static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup(locate(), Arena.global());

    private ShimLibrary()
    {
    }

    public static SymbolLookup lookup()
    {
        return LOOKUP;
    }

    private static Path locate()
    {
        final String override = System.getProperty(PATH_PROPERTY);
        if (override != null)
        {
            return Path.of(override);
        }
        try (InputStream in = ShimLibrary.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException(
                    "libflowlane_shim.so is not on the classpath (" + RESOURCE + "): build the native module with mvn");
            }
            final Path file = Files.createTempFile("flowlane_shim", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot extract " + RESOURCE, ex);
        }
    }
}
