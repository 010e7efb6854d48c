package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A training request's defaults: the CNN's for images, the MLP's for rows; a λ left out stays out. */
class TrainingRequestTest {

    @Test
    void rowsDefaultToTheMlpsSettingsAndKeepWhatTheRequestNames() {
        TrainingRequest empty = new TrainingRequest(null, null, null, null, null, null).withRowDefaults().validated();
        assertEquals("tabular-mlp", empty.name());
        assertEquals(20, empty.epochs());
        assertEquals(32, empty.batchSize());
        assertEquals(0.003, empty.learningRate());
        TrainingRequest named = new TrainingRequest("mine", "validation", 4, 8, 0.1, 7L).withRowDefaults().validated();
        assertEquals("mine", named.name());
        assertEquals("validation", named.split());
        assertEquals(4, named.epochs());
        assertEquals(8, named.batchSize());
        assertEquals(0.1, named.learningRate());
        assertEquals(7L, named.seed());
    }

    @Test
    void imagesDefaultToTheCnnsSettings() {
        TrainingRequest empty = new TrainingRequest(null, null, null, null, null, null).validated();
        assertEquals("small-cnn", empty.name());
        assertEquals(3, empty.epochs());
        assertEquals(128, empty.batchSize());
        assertEquals(0.001, empty.learningRate());
    }

    @Test
    void aLambdaLeftOutStaysOutForTheModalityToChooseAndABadOneIsRefused() {
        assertNull(new TrainingRequest(null, null, null, null, null, null, "rrr", null, null).validated().lambda());
        assertEquals(5.0, new TrainingRequest(null, null, null, null, null, null, "rrr", 5.0, null).validated().lambda());
        assertThrows(Invalid.class, () -> new TrainingRequest(null, null, null, null, null, null, "rrr", -1.0, null).validated());
        assertThrows(Invalid.class, () -> new TrainingRequest(null, null, null, 0, null, null).withRowDefaults().validated());
    }
}
