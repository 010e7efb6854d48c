package org.rationale.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of libtorch's thread pools ({@code rationale.engine.*}; see {@link EngineThreads}). */
@ConfigMapping(prefix = "rationale.engine")
public interface EngineConfig {

    /**
     * Intra-op threads per computing thread; 0: the cores less one, divided among the computing
     * threads (workers, and a server's background threads: see {@link EngineThreads}), at least 1.
     */
    @WithDefault("0")
    int intraOpThreads();

    /** Inter-op threads. */
    @WithDefault("1")
    int interOpThreads();
}
