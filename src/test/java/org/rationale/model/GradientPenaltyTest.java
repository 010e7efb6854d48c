package org.rationale.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientPenaltyTest {

    private static ModelVersion trained(String training) {
        ModelVersion v = new ModelVersion();
        v.training = training;
        return v;
    }

    @Test
    void aVersionTrainedWithTheRrrPenaltyOnAtLeastOneMaskIsRecognisedFromItsTrainingRecord() {
        assertTrue(ModelService.trainedWithGradientPenalty(trained(
                "{\"feedback\":{\"mode\":\"rrr\",\"lambda\":1000.0,\"masks\":3,\"perBatch\":8}}")));
        assertTrue(ModelService.trainedWithGradientPenalty(trained(
                "{\"feedback\":{\"mode\":\"both\",\"lambda\":10.0,\"masks\":1,\"perBatch\":8}}")));
        assertFalse(ModelService.trainedWithGradientPenalty(trained(
                "{\"feedback\":{\"mode\":\"rrr\",\"lambda\":1000.0,\"masks\":0,\"perBatch\":8}}")), "no mask: no penalty");
        assertFalse(ModelService.trainedWithGradientPenalty(trained(
                "{\"feedback\":{\"mode\":\"counterexamples\",\"lambda\":1000.0,\"masks\":3,\"perBatch\":8}}")));
        assertFalse(ModelService.trainedWithGradientPenalty(trained(
                "{\"feedback\":{\"mode\":\"none\",\"lambda\":1000.0,\"masks\":0,\"perBatch\":8}}")));
        assertFalse(ModelService.trainedWithGradientPenalty(trained(null)), "an upload");
        assertFalse(ModelService.trainedWithGradientPenalty(trained("not json")));
        assertFalse(ModelService.trainedWithGradientPenalty(trained("{\"feedback\":\"rrr\"}")));
    }
}
