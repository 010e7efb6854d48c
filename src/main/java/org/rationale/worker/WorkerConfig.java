package org.rationale.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the in-process worker pool ({@code rationale.worker.*}). */
@ConfigMapping(prefix = "rationale.worker")
public interface WorkerConfig {

    /** Worker threads in this process; 0 runs no worker here. */
    @WithDefault("1")
    int threads();

    /** Items claimed at once, by device: {@code rationale.worker.batch-size.cpu} and {@code .gpu}. */
    BatchSize batchSize();

    /** Items claimed at once on each kind of device. */
    interface BatchSize {
        /** On a CPU: small batches keep the lease short and the progress bar moving. */
        @WithDefault("64")
        int cpu();

        /** On a GPU: large batches keep the device busy (input chunks still obey the model's maxBatch). */
        @WithDefault("512")
        int gpu();
    }

    /** How long a claim holds before other workers may take the items back. */
    @WithDefault("PT60S")
    Duration lease();

    /** Attempts before an item fails for good. */
    @WithDefault("3")
    int maxAttempts();

    /**
     * Share of the batches a worker computes a second time, identically, to check its engine (0 to
     * 1; 0.01: one batch in a hundred, picked at random). A disagreement beyond float16 rounding is
     * settled by a third computation and counted; one that cannot be settled, or that recurs, stops
     * the worker claiming (see saliency.SelfCheck).
     */
    @WithDefault("0.01")
    double selfCheckRate();

    /** Pause between claims when the queue is empty. */
    @WithDefault("PT0.5S")
    Duration idlePoll();
}
