package org.rationale.model;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.rationale.database.Owns;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** All the SQL of stored predictions (one per sample and model version). */
@ApplicationScoped
@Owns({"predictions"})
public class PredictionStore {

    @Inject
    EntityManager em;

    /**
     * The class probabilities predicted under a model for each of the samples that has a
     * prediction, read as arrays (real[]), by sample id.
     */
    public Map<Long, float[]> probabilities(long modelId, Collection<Long> sampleIds) {
        Map<Long, float[]> out = new HashMap<>();
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("select sample_id, probabilities from predictions "
                    + "where model_version_id = ? and sample_id = any(?)")) {
                ps.setLong(1, modelId);
                ps.setArray(2, c.createArrayOf("bigint", sampleIds.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Array array = rs.getArray("probabilities");
                        Float[] values = (Float[]) array.getArray();
                        float[] p = new float[values.length];
                        for (int i = 0; i < values.length; i++) {
                            p[i] = values[i];
                        }
                        array.free();
                        out.put(rs.getLong("sample_id"), p);
                    }
                }
            }
        });
        return out;
    }
}
