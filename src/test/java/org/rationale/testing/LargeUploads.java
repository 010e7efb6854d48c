package org.rationale.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A test profile for ResNet-18-sized work: a model file is about 45 MB and 1,000 of its 224×224 images
 * about 100 MB unpacked, over the tests' usual upload and archive limits.
 */
public class LargeUploads implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("rationale.upload.max-size", "256M", "rationale.upload.backstop-size", "512M",
                "rationale.import.max-uncompressed-size", "512M", "rationale.import.max-total-pixels", "200000000");
    }
}
