package org.rationale.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.rationale.config.RationaleConfig;
import org.rationale.error.TooLarge;

import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The upload limit {@code rationale.upload.max-size} as the resources that take files apply it to
 * what arrived: a body sent without a length can be complete before {@link UploadLimitFilter}
 * notices it passed the limit, so the files are measured again before anything is read or stored.
 */
@ApplicationScoped
public class UploadLimit {

    /** The message of the IOException with which RESTEasy's request reader stops at the backstop. */
    static final String READ_PAST_BACKSTOP = "Request too large";

    private final long limit;

    @Inject
    UploadLimit(RationaleConfig config) {
        this(config.upload().maxSize().asLongValue());
    }

    UploadLimit(long limit) {
        this.limit = limit;
    }

    /** A 413 naming the limit when the files together are larger than it; absent parts count nothing. */
    public void require(FileUpload... parts) {
        long uploaded = Stream.of(parts).filter(Objects::nonNull).mapToLong(FileUpload::size).sum();
        if (uploaded > limit) {
            throw new TooLarge("Upload too large", "The files have " + uploaded + " bytes; the limit is "
                    + describe(limit) + ", set by rationale.upload.max-size");
        }
    }

    /**
     * The 413 for a body sent without a length that passed the HTTP layer's backstop while a resource
     * read it (RESTEasy's form reader then fails with {@link #READ_PAST_BACKSTOP}): it passed this limit too.
     */
    public TooLarge passedWhileRead() {
        return new TooLarge("Upload too large", "The request body, sent without a length, passed the limit of "
                + describe(limit) + ", set by rationale.upload.max-size");
    }

    /** A size in KiB, MiB or GiB with its bytes, as the limits are shown in messages. */
    static String describe(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u < 0) {
            return bytes + " bytes";
        }
        String n = v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
        return n + " " + units[u] + " (" + bytes + " bytes)";
    }
}
