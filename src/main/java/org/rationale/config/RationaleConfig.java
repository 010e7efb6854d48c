package org.rationale.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.util.List;

/** Typed settings of the application ({@code rationale.*}); defaults live in application.properties. */
@ConfigMapping(prefix = "rationale")
public interface RationaleConfig {

    /** Folder of the embedded database and of server-side imports. */
    Path dataDir();

    /**
     * {@code server} (UI, API and an in-process worker pool) or {@code worker} (only the worker pool,
     * health and metrics over HTTP).
     */
    @WithDefault("server")
    String role();

    /** {@code auto} (a CUDA GPU when DJL finds one, else the CPU), {@code cpu} or {@code gpu}. */
    @WithDefault("auto")
    String device();

    Upload upload();

    @WithName("import")
    Import importing();

    Demo demo();

    /** Password of the first admin; when absent one is generated and printed once. */
    Optional<String> adminPassword();

    Login login();

    Audit audit();

    Reliance reliance();

    /** Reliance on regions, measured by replacing them ({@code rationale.reliance.*}). */
    interface Reliance {
        /** Images of other classes whose region is pasted in, per measurement (1 to 32). */
        @WithDefault("8")
        int draws();

        /** Most regions (painted shortcut masks and known shortcuts) one model version's figure samples. */
        @WithDefault("200")
        int mostRegions();

        /**
         * Unreviewed samples one ranking tests at most (0 to 1,000; 0: none) by replacing the regions
         * experts marked elsewhere: the best placed of those whose maps say little about the regions.
         */
        @WithDefault("64")
        int queueCandidates();
    }

    /**
     * The audit trail's key and its anchor outside the database (the audit package reads them the
     * same way as the {@code audit-verify} command does).
     */
    interface Audit {
        /** The HMAC key itself (32+ characters); when absent the key file is used. */
        Optional<String> key();

        /** The key file, generated once when missing; default {@code <data-dir>/audit-key}. */
        Optional<Path> keyFile();

        /** The folder of signed heads; default {@code <data-dir>/audit-anchors}. Best on other storage. */
        Optional<Path> anchorDir();

        /** How often the server anchors the head when it moved. */
        @WithDefault("PT1M")
        Duration anchorInterval();
    }

    /**
     * Password guessing: after this many wrong passwords in a row from one client address, that
     * address may not try the username for a while (other addresses still may).
     */
    interface Login {
        @WithDefault("5")
        int maxFailures();

        @WithDefault("PT30S")
        Duration lockout();

        /** Most (username, address) pairs whose failures are remembered at once; the least used are forgotten first. */
        @WithDefault("10000")
        int maxTrackedFailures();

        /** A login through the form ends at the latest this long after it began, even while it is in use. */
        @WithDefault("P7D")
        Duration sessionLifetime();
    }

    /** Limits on one HTTP upload. */
    interface Upload {
        /** Largest request body accepted; larger ones are answered with 413 before they are read. */
        MemorySize maxSize();

        /** Limit of the HTTP layer itself, for bodies sent without a declared length. */
        MemorySize backstopSize();
    }

    /** Limits that protect the server from hostile or broken datasets. */
    interface Import {
        /** Largest total of bytes that one archive may expand to. */
        MemorySize maxUncompressedSize();

        /** Largest ratio of expanded to compressed size for one archive entry. */
        int maxCompressionRatio();

        /** Most entries one archive may hold. */
        int maxEntries();

        /** Most pixels (width times height) of one image. */
        long maxImagePixels();

        /** Most decoded pixels of one whole import (all its images), checked before anything is stored. */
        long maxTotalPixels();

        /** Server-side folders whose files may be imported by path. */
        List<Path> allowedPaths();
    }

    /** The demo project seeded on the first start of the embedded default. */
    interface Demo {
        boolean seed();

        /** Where Debian's dataset-fashion-mnist puts the IDX files; the bundled subset is used when absent. */
        Path fashionMnistDir();

        /** Seed of the decoy placement, so the demo is the same on every machine. */
        long seedValue();

        /** Train the demo's shortcut model after seeding (in the background). */
        boolean train();

        /** Epochs of that training on the full Fashion-MNIST. */
        int trainEpochs();

        /**
         * Epochs of that training on the bundled subset (in smaller batches at a higher learning
         * rate, see {@code DemoSeeder}, so that the model leans on the decoy).
         */
        int subsetTrainEpochs();

        /** Password of the demo users; when absent one is generated and printed once. */
        Optional<String> usersPassword();
    }

    Rounds rounds();

    Models models();

    /** Loaded models ({@code rationale.models.*}). */
    interface Models {
        /**
         * Most bytes of parameters the loaded-model cache of one process holds (least recently used
         * models are closed first): a size such as 512M or 4G, 0 to the memory the process may use
         * (other values stop the start); when absent, an eighth of that memory, at least 256 MB (see
         * {@code ModelService}).
         */
        Optional<String> cacheBytes();
    }

    /** Feedback rounds. */
    interface Rounds {
        /**
         * Control trainings a round's retraining runs by default (0 to 5): the same retraining
         * without the round's new feedback, the spread against which its result is judged; each
         * costs one more training.
         */
        @WithDefault("1")
        int controls();
    }
}
