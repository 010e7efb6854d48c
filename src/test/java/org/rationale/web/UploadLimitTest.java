package org.rationale.web;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the upload limit reads in messages, and the backstop's read failure answered as a 413, not a 500. */
class UploadLimitTest {

    @Test
    void sizesAreShownInBytesAndTheirUnit() {
        assertEquals("8 MiB (8388608 bytes)", UploadLimit.describe(8L << 20));
        assertEquals("512 MiB (536870912 bytes)", UploadLimit.describe(512L << 20));
        assertEquals("1.5 GiB (1610612736 bytes)", UploadLimit.describe(3L << 29));
        assertEquals("900 bytes", UploadLimit.describe(900));
    }

    @Test
    void aBodyReadPastTheBackstopIsA413NamingTheLimit() {
        ApiExceptionMapper mapper = new ApiExceptionMapper();
        mapper.uploadLimit = new UploadLimit(8L << 20);
        Response r = mapper.io(new IOException("Request too large"));
        assertEquals(413, r.getStatus());
        ApiError e = (ApiError) r.getEntity();
        assertEquals("Upload too large", e.error());
        assertTrue(e.detail().contains("the limit of 8 MiB (8388608 bytes), set by rationale.upload.max-size"), e.detail());
    }

    @Test
    void anyOtherReadFailureStaysAnErrorIdOnly() {
        ApiExceptionMapper mapper = new ApiExceptionMapper();
        mapper.uploadLimit = new UploadLimit(8L << 20);
        Response r = mapper.io(new IOException("Connection reset"));
        assertEquals(500, r.getStatus());
        assertTrue(((ApiError) r.getEntity()).detail().startsWith("Error id "));
    }
}
