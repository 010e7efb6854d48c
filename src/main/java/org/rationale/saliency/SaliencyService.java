package org.rationale.saliency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.web.ApiException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes saliency maps and stores each exactly once per (sample, model version, method,
 * canonical parameters, target class): a second request reads the stored map.
 */
@ApplicationScoped
public class SaliencyService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EntityManager em;
    private final AttributionMethods methods;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;

    SaliencyService(EntityManager em, AttributionMethods methods, ModelService models, PredictionService predictions,
                    DatasetService datasets) {
        this.em = em;
        this.methods = methods;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
    }

    /**
     * The map of a sample under a model version.
     *
     * @param target {@code predicted}, {@code label} or a class index
     */
    @Transactional
    public SaliencyMap map(long sampleId, long modelId, String methodName, String target, Map<String, String> given) {
        Sample s = datasets.sample(sampleId).orElseThrow(() -> ApiException.notFound("Sample " + sampleId));
        ModelVersion v = models.find(modelId).orElseThrow(() -> ApiException.notFound("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        MethodParameters params = method.parameters().bind(method.name(), given);
        InputSpec spec = ModelService.specOf(v);
        Prediction p = predictions.predict(s, v);
        int t = resolveTarget(target, s, p, spec);
        String canonical = params.canonical();

        @SuppressWarnings("unchecked")
        List<Object[]> stored = em.createNativeQuery("select id, data, metrics, channels, height, width, length(data) "
                        + "from saliency_maps where sample_id = ?1 and model_version_id = ?2 and method = ?3 "
                        + "and parameters = ?4 and target_label = ?5")
                .setParameter(1, s.id).setParameter(2, v.id).setParameter(3, method.name()).setParameter(4, canonical)
                .setParameter(5, t).getResultList();
        if (!stored.isEmpty()) {
            Object[] r = stored.get(0);
            int c = ((Number) r[3]).intValue();
            int h = ((Number) r[4]).intValue();
            int w = ((Number) r[5]).intValue();
            return new SaliencyMap(((Number) r[0]).longValue(), s.id, v.id, method.name(), params.asMap(), t,
                    spec.classes().get(t), List.of(c, h, w), MapEncoding.decode((byte[]) r[1], c * h * w),
                    readMetrics((String) r[2]), ((Number) r[6]).intValue());
        }

        InputBatch x = predictions.input(s, v);
        Attribution a = method.attribute(models.loaded(v), x, new int[] {t}, params);
        float[] values = a.values();
        Map<String, Double> metrics = new TreeMap<>(a.metrics().get(0));
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float f : values) {
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        metrics.putAll(DeletionInsertion.aucs(models.loaded(v), x, t, values, 28));
        metrics.put("min", min);
        metrics.put("max", max);
        metrics.put("sum", sum);
        byte[] data = MapEncoding.encode(values);
        em.createNativeQuery("insert into saliency_maps (sample_id, model_version_id, method, parameters, target_label, "
                        + "width, height, channels, encoding, data, min_value, max_value, sum_value, metrics) "
                        + "values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) on conflict do nothing")
                .setParameter(1, s.id).setParameter(2, v.id).setParameter(3, method.name()).setParameter(4, canonical)
                .setParameter(5, t).setParameter(6, x.width()).setParameter(7, x.height()).setParameter(8, x.channels())
                .setParameter(9, MapEncoding.NAME).setParameter(10, data).setParameter(11, (float) min)
                .setParameter(12, (float) max).setParameter(13, sum).setParameter(14, writeMetrics(metrics))
                .executeUpdate();
        Number id = (Number) em.createNativeQuery("select id from saliency_maps where sample_id = ?1 and "
                        + "model_version_id = ?2 and method = ?3 and parameters = ?4 and target_label = ?5")
                .setParameter(1, s.id).setParameter(2, v.id).setParameter(3, method.name()).setParameter(4, canonical)
                .setParameter(5, t).getSingleResult();
        return new SaliencyMap(id.longValue(), s.id, v.id, method.name(), params.asMap(), t, spec.classes().get(t),
                List.of(x.channels(), x.height(), x.width()), values, metrics, data.length);
    }

    static int resolveTarget(String target, Sample s, Prediction p, InputSpec spec) {
        String t = target == null || target.isBlank() ? "predicted" : target.strip();
        int classes = spec.classes().size();
        int out;
        if (t.equals("predicted")) {
            out = p.predictedLabel();
        } else if (t.equals("label")) {
            out = s.label;
        } else {
            try {
                out = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Invalid target '" + target + "'", "Use predicted, label or a class index");
            }
        }
        if (out < 0 || out >= classes) {
            throw ApiException.badRequest("Invalid target " + out, "The model has classes 0 to " + (classes - 1));
        }
        return out;
    }

    private static Map<String, Double> readMetrics(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String writeMetrics(Map<String, Double> m) {
        try {
            Map<String, Double> finite = new TreeMap<>();
            m.forEach((k, v) -> finite.put(k, Double.isFinite(v) ? v : null));
            return JSON.writeValueAsString(finite);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
