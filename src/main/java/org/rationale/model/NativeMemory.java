package org.rationale.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.jboss.logging.Logger;

/**
 * Gives the native memory of closed models back to the system. libtorch allocates a model's
 * parameters and its working arrays with glibc's malloc, which keeps freed memory in its arenas
 * (one per thread that allocated, up to eight per core) instead of returning it: measured here, the
 * resident set stayed 400 MB up after four ResNet-18s were closed, and a server whose HTTP threads
 * each checked an upload kept a copy's worth per thread. {@code malloc_trim(0)} after a model is
 * closed returns the free pages of every arena. Without glibc (musl, macOS) this does nothing.
 */
final class NativeMemory {

    private static final Logger LOG = Logger.getLogger(NativeMemory.class);

    /** The glibc call used. */
    interface C extends Library {
        int malloc_trim(long pad);
    }

    private static final C LIBC = load();

    private NativeMemory() {
    }

    private static C load() {
        try {
            C c = Native.load("c", C.class);
            c.malloc_trim(0);
            return c;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.infof("Freed native memory is left to the C library (no glibc malloc_trim: %s)", e.getMessage());
            return null;
        }
    }

    /** Returns the free memory of glibc's arenas to the system; a no-op without glibc. */
    static void trim() {
        if (LIBC != null) {
            LIBC.malloc_trim(0);
        }
    }
}
