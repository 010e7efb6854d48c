package org.rationale.model;

import org.hibernate.Session;
import java.sql.Array;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * All the SQL of the table {@code predictions}: what a model version predicted for a sample (class,
 * confidence, the {@code real[]} probabilities, entropy and margin), stored once per (sample, model
 * version).
 */
@ApplicationScoped
@Owns({"predictions"})
public class PredictionStore {

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    /**
     * Stores the predictions in one JDBC batch, in the caller's transaction or a new one; a
     * prediction stored before is kept as it is, and one of logits with a NaN is not stored.
     */
    @Transactional
    public void insert(List<Prediction> predictions) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into predictions (sample_id, model_version_id, "
                     + "predicted_label, confidence, probabilities, entropy, margin) values (?, ?, ?, ?, cast(? as real[]), "
                     + "?, ?) on conflict do nothing")) {
            for (Prediction p : predictions) {
                if (!Double.isFinite(p.confidence())) {
                    // logits with a NaN name no class: stored, "NaN" would be answered, ranked and reported
                    continue;
                }
                ps.setLong(1, p.sampleId());
                ps.setLong(2, p.modelId());
                ps.setInt(3, p.predictedLabel());
                ps.setFloat(4, (float) p.confidence());
                ps.setString(5, PgArray.ofFloats(p.probabilities()));
                ps.setFloat(6, (float) p.entropy());
                ps.setFloat(7, (float) p.margin());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Storing predictions failed: " + e.getMessage(), e);
        }
    }

    /** The class the stored prediction of a sample by a model version names, if one is stored. */
    @Transactional
    public Optional<Integer> storedLabel(long sampleId, long modelId) {
        List<Integer> rows = em.createNativeQuery("select predicted_label from predictions where sample_id = ?1 "
                        + "and model_version_id = ?2", Integer.class)
                .setParameter(1, sampleId).setParameter(2, modelId).getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /**
     * The class probabilities predicted under a model for each of the samples that has a
     * prediction, read as arrays (real[]), by sample id.
     */
    @Transactional
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

    /** How many of these samples have a stored prediction under a model version. */
    @Transactional
    public int countPredicted(long modelId, Collection<Long> sampleIds) {
        return ((Number) em.createNativeQuery("select count(distinct sample_id) from predictions "
                        + "where model_version_id = ?1 and sample_id = any(cast(?2 as bigint[]))")
                .setParameter(1, modelId).setParameter(2, PgArray.ofLongs(sampleIds)).getSingleResult()).intValue();
    }
}
