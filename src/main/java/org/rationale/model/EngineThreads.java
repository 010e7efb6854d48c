package org.rationale.model;

import ai.djl.pytorch.jni.JniUtils;
import org.jboss.logging.Logger;

/**
 * libtorch's thread pools, sized before the engine computes anything: intra-op threads (one
 * operator split across cores) and inter-op threads. Each thread that runs the engine runs its own
 * team of intra-op threads, so {@code computing threads × intra-op} threads want the cores at once;
 * more than there are cores and OpenMP's spinning threads starve each other, the store thread and
 * PostgreSQL (on a loaded 2-core host 500 gradient pairs took 15–38 s with 2 intra-op threads against
 * 1.4–1.6 s with 1). The computing threads counted are the worker threads and, in a server, one for
 * the review's background work (maps ahead and quality curves have a thread each, but they run in
 * bursts after a verdict and seldom both at length; counting both would halve the threads of the map
 * an expert waits for — on 8 cores with one worker thread 2 instead of 3). Request threads computing a single map
 * are not counted: they are short and few, and counting them would starve the steady work. Settings:
 * {@code rationale.engine.intra-op-threads} (0, the default: the cores less one, shared by the
 * computing threads, at least 1) and
 * {@code rationale.engine.inter-op-threads} (1). The JVM options {@code -Dai.djl.pytorch.num_threads}
 * and {@code -Dai.djl.pytorch.num_interop_threads}, when given, win.
 */
final class EngineThreads {

    private static final Logger LOG = Logger.getLogger(EngineThreads.class);
    static final String INTRA = "ai.djl.pytorch.num_threads";
    static final String INTER = "ai.djl.pytorch.num_interop_threads";

    /** Computing threads a server counts for its review's background work (maps ahead, quality curves). */
    static final int BACKGROUND = 1;

    private EngineThreads() {
    }

    /** Threads of a process that run the engine at once: its worker threads, and in a server the background ones. */
    static int computingThreads(String role, int workerThreads) {
        return Math.max(0, workerThreads) + ("worker".equalsIgnoreCase(role == null ? "" : role.strip()) ? 0 : BACKGROUND);
    }

    /** Intra-op threads for a setting (0: automatic), the cores and the threads of this process that run the engine. */
    static int intraOp(int setting, int cores, int computingThreads) {
        if (setting < 0) {
            throw new IllegalStateException("rationale.engine.intra-op-threads must be 0 (automatic) or more, not "
                    + setting);
        }
        return setting > 0 ? setting : Math.max(1, (cores - 1) / Math.max(1, computingThreads));
    }

    /**
     * Sets the engine's system properties (read once, when DJL's PyTorch engine starts) unless the JVM
     * was given them; call before the engine's first use.
     */
    static void beforeEngineStarts(int intraOp, int interOp) {
        if (interOp < 1) {
            throw new IllegalStateException("rationale.engine.inter-op-threads must be 1 or more, not " + interOp);
        }
        if (System.getProperty(INTRA) == null) {
            System.setProperty(INTRA, String.valueOf(intraOp));
        }
        if (System.getProperty(INTER) == null) {
            System.setProperty(INTER, String.valueOf(interOp));
        }
    }

    /**
     * After the engine started: when it had started before the properties were set (another part of
     * the same JVM used it first), its intra-op threads are set now; logs what the engine runs with.
     */
    static void afterEngineStarted() {
        int wanted = Integer.parseInt(System.getProperty(INTRA));
        if (JniUtils.getNumThreads() != wanted) {
            JniUtils.setNumThreads(wanted);
        }
        LOG.infof("libtorch runs %d intra-op and %d inter-op thread(s); OMP_WAIT_POLICY=%s", JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "(not set)"));
    }
}
