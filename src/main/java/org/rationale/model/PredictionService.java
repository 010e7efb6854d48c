package org.rationale.model;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Unprocessable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.ImageCodec;
import org.rationale.dataset.Sample;
import java.util.List;
import org.rationale.explain.InputBatch;

/**
 * Runs a model version on a sample: the preprocessed input, the prediction, stored once per
 * (sample, model version).
 */
@ApplicationScoped
public class PredictionService {

    private final EntityManager em;
    private final ModelService models;
    private final DatasetService datasets;

    PredictionService(EntityManager em, ModelService models, DatasetService datasets) {
        this.em = em;
        this.models = models;
        this.datasets = datasets;
    }

    /** The sample as the model's input, or a 422 when its size does not fit the model. */
    public InputBatch input(Sample s, ModelVersion v) {
        InputSpec spec = models.spec(v);
        if (s.width != spec.width() || s.height != spec.height()) {
            throw new Unprocessable("Sample does not fit the model", "Sample " + s.id + " is " + s.width + "x"
                    + s.height + "; model " + v.name + " v" + v.version + " takes " + spec.width() + "x" + spec.height());
        }
        byte[] png = datasets.imagePng(s.id).orElseThrow(() -> NotFound.of("Sample " + s.id));
        ImageCodec.Pixels px = ImageCodec.decodePng(png);
        return new InputBatch(1, spec.channels(), spec.height(), spec.width(), spec.preprocess(px.data(), px.channels()));
    }

    /** Predictions of many samples of one model from one batched forward pass, stored. */
    public List<Prediction> predictAll(List<Sample> samples, List<InputBatch> inputs, ModelVersion v) {
        InputSpec spec = models.spec(v);
        int size = inputs.get(0).sampleSize();
        float[] all = new float[inputs.size() * size];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i).values(), 0, all, i * size, size);
        }
        float[] logits;
        try (ModelService.Lease lease = models.lease(v)) {
            BlockModel m = lease.model();
            logits = new float[inputs.size() * m.classes()];
            int step = m.maxBatch();
            for (int start = 0; start < inputs.size(); start += step) {
                int n = Math.min(step, inputs.size() - start);
                float[] chunk = java.util.Arrays.copyOfRange(all, start * size, (start + n) * size);
                float[] l = m.logits(inputs.get(0).with(n, chunk));
                System.arraycopy(l, 0, logits, start * m.classes(), l.length);
            }
        }
        int k = spec.classes().size();
        List<Prediction> out = new java.util.ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            out.add(Prediction.of(samples.get(i).id, v.id, java.util.Arrays.copyOfRange(logits, i * k, (i + 1) * k),
                    spec.classes()));
        }
        self.storeAll(out);
        return out;
    }

    @jakarta.inject.Inject
    PredictionService self;

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    /** One JDBC batch in one transaction. */
    @Transactional
    void storeAll(List<Prediction> predictions) {
        try (java.sql.Connection c = dataSource.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("insert into predictions (sample_id, model_version_id, "
                     + "predicted_label, confidence, probabilities, entropy, margin) values (?, ?, ?, ?, cast(? as real[]), "
                     + "?, ?) on conflict do nothing")) {
            for (Prediction p : predictions) {
                ps.setLong(1, p.sampleId());
                ps.setLong(2, p.modelId());
                ps.setInt(3, p.predictedLabel());
                ps.setFloat(4, (float) p.confidence());
                ps.setString(5, org.rationale.database.PgArray.ofFloats(p.probabilities()));
                ps.setFloat(6, (float) p.entropy());
                ps.setFloat(7, (float) p.margin());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Storing predictions failed: " + e.getMessage(), e);
        }
    }

    private void store(Prediction p) {
        String probs = org.rationale.database.PgArray.ofFloats(p.probabilities());
        em.createNativeQuery("insert into predictions (sample_id, model_version_id, predicted_label, confidence, "
                        + "probabilities, entropy, margin) values (?1, ?2, ?3, ?4, cast(?5 as real[]), ?6, ?7) on conflict do nothing")
                .setParameter(1, p.sampleId()).setParameter(2, p.modelId()).setParameter(3, p.predictedLabel())
                .setParameter(4, (float) p.confidence()).setParameter(5, probs)
                .setParameter(6, (float) p.entropy()).setParameter(7, (float) p.margin()).executeUpdate();
    }

    /**
     * Model inputs of many samples with one query for their images; a sample that does not fit the
     * model is refused with the reason.
     */
    public java.util.Map<Long, PreparedInput> inputs(List<Sample> samples, ModelVersion v) {
        InputSpec spec = models.spec(v);
        java.util.Map<Long, byte[]> pngs = datasets.imagePngs(samples.stream().map(x -> x.id).toList());
        java.util.Map<Long, PreparedInput> out = new java.util.LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.width != spec.width() || s.height != spec.height()) {
                out.put(s.id, new PreparedInput.Refused(new Unprocessable("Sample does not fit the model", "Sample " + s.id + " is " + s.width
                        + "x" + s.height + "; model " + v.name + " v" + v.version + " takes " + spec.width() + "x"
                        + spec.height())));
                continue;
            }
            ImageCodec.Pixels px = ImageCodec.decodePng(pngs.get(s.id));
            out.put(s.id, new PreparedInput.Ready(new InputBatch(1, spec.channels(), spec.height(), spec.width(),
                    spec.preprocess(px.data(), px.channels()))));
        }
        return out;
    }

    /** The stored prediction, computed and stored first when missing. */
    @Transactional
    public Prediction predict(Sample s, ModelVersion v) {
        Prediction p = compute(s, v);
        store(p);
        return p;
    }

    /** The class the stored prediction of a sample by a model version names, if one is stored. */
    public java.util.Optional<Integer> storedLabel(long sampleId, long modelId) {
        List<?> rows = em.createNativeQuery("select predicted_label from predictions where sample_id = ?1 "
                + "and model_version_id = ?2").setParameter(1, sampleId).setParameter(2, modelId).getResultList();
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(((Number) rows.get(0)).intValue());
    }

    /** The prediction computed now and not stored (for reads, which never write). */
    public Prediction compute(Sample s, ModelVersion v) {
        if (!s.projectId.equals(v.projectId)) {
            throw new Invalid("Model of another project",
                    "Model " + v.id + " belongs to project " + v.projectId + ", sample " + s.id + " to project " + s.projectId);
        }
        InputSpec spec = models.spec(v);
        float[] logits;
        try (ModelService.Lease lease = models.lease(v)) {
            logits = lease.model().logits(input(s, v));
        }
        return Prediction.of(s.id, v.id, logits, spec.classes());
    }
}
