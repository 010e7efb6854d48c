package org.rationale.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** A test profile for ResNet-18-sized work: a model file is about 45 MB, over the tests' usual upload limits. */
public class LargeUploads implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("rationale.upload.max-size", "256M", "rationale.upload.backstop-size", "512M");
    }
}
