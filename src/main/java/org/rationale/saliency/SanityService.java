package org.rationale.saliency;

import org.rationale.config.Json;
import org.rationale.explain.UnsupportedMethodException;
import org.rationale.explain.InputBatch;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditLog;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.model.BlockModel;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.PredictionService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs and keeps the model-parameter randomisation check per (model version, method, parameters):
 * on the first samples of the project's test split (train when there is no test split), target the
 * predicted class, on a freshly loaded copy of the model that is randomised and then closed.
 */
@ApplicationScoped
public class SanityService {

    private static final ObjectMapper JSON = Json.MAPPER;
    public static final int DEFAULT_SAMPLES = 8;

    @Inject
    AuditLog audit;
    @Inject
    SanityService self;
    private final MapStore store;
    private final AttributionMethods methods;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;

    SanityService(MapStore store, AttributionMethods methods, ModelService models, PredictionService predictions,
                  DatasetService datasets) {
        this.store = store;
        this.methods = methods;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
    }

    /**
     * The stored result, or the check run now (seconds for gradient methods, longer for perturbation
     * ones) outside any transaction, then stored.
     */
    public SanityCheck.Result check(long modelId, String methodName, Map<String, String> given) {
        ModelVersion v = models.find(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        SaliencyService.refuseOnRows(method, v, ModelService.isTabular(v));
        MethodParameters params = method.bind(given, models.spec(v).height(), models.spec(v).width(), ModelService.isTabular(v));
        Optional<SanityCheck.Result> earlier = stored(v.id, method.name(), params.canonical());
        if (earlier.isPresent()) {
            return earlier.get();
        }
        List<Sample> samples = datasets.samples(v.projectId, Split.TEST, null, 0, DEFAULT_SAMPLES).items();
        if (samples.isEmpty()) {
            samples = datasets.samples(v.projectId, Split.TRAIN, null, 0, DEFAULT_SAMPLES).items();
        }
        if (samples.isEmpty()) {
            throw new Invalid("No samples to check on", "The model's project has no test or train samples");
        }
        List<float[]> inputs = new ArrayList<>();
        int[] targets = new int[samples.size()];
        InputBatch first = null;
        for (int i = 0; i < samples.size(); i++) {
            InputBatch x = predictions.input(samples.get(i), v);
            first = x;
            inputs.add(x.values());
            targets[i] = predictions.predict(samples.get(i), v).predictedLabel();
        }
        float[] all = new float[inputs.size() * first.sampleSize()];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i), 0, all, i * first.sampleSize(), first.sampleSize());
        }
        InputBatch batch = first.with(inputs.size(), all);
        SanityCheck.Result result;
        try (BlockModel copy = models.fresh(v); ModelService.Lease trained = models.lease(v)) {
            result = SanityCheck.run(method, params, trained.model(), copy, batch, targets, 42);
        }
        self.save(v, method.name(), params.canonical(), result);
        return result;
    }

    /** The stored check of a method with these parameters, without running anything. */
    public Optional<SanityCheck.Result> stored(long modelId, String methodName, Map<String, String> given) {
        ModelVersion v = models.find(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        AttributionMethod method = methods.get(methodName);
        SaliencyService.refuseOnRows(method, v, ModelService.isTabular(v));
        MethodParameters params = method.bind(given, models.spec(v).height(), models.spec(v).width(), ModelService.isTabular(v));
        return stored(v.id, method.name(), params.canonical());
    }

    private Optional<SanityCheck.Result> stored(long modelId, String method, String parameters) {
        return store.sanityResult(modelId, method, parameters).map(SanityService::read);
    }

    /** Stores the check and records it in the audit trail, in one transaction, unless one was stored meanwhile. */
    @Transactional
    void save(ModelVersion v, String method, String parameters, SanityCheck.Result result) {
        if (store.insertSanity(v.id, method, parameters, result.passed(), result.finalSimilarity(), write(result))) {
            audit.record("sanity.check", "model:" + v.id, v.projectId, AuditLog.details(
                    "method", method, "parameters", parameters, "passed", result.passed(), "verdict", result.verdict(),
                    "finalSimilarity", result.finalSimilarity(), "threshold", result.threshold(), "samples", result.samples()));
        }
    }

    /** Outcome of checking every method on one model: failed ones are flagged, those without signal inconclusive. */
    public record Summary(int checked, int flagged, int inconclusive, Map<String, String> notRun) {
    }

    /**
     * Runs (or reads) the check of every method with its default parameters. Methods that cannot
     * run on the model (guided backprop; CAM methods without a features/classifier split) are
     * listed with their reason instead.
     */
    public Summary checkAll(long modelId) {
        int checked = 0;
        int flagged = 0;
        int inconclusive = 0;
        Map<String, String> notRun = new LinkedHashMap<>();
        for (AttributionMethod m : methods.all()) {
            try {
                SanityCheck.Result r = check(modelId, m.name(), Map.of());
                if (r.inconclusive()) {
                    inconclusive++;
                } else if (!r.passed()) {
                    flagged++;
                }
                checked++;
            } catch (UnsupportedMethodException e) {
                notRun.put(m.name(), e.detail());
            }
        }
        return new Summary(checked, flagged, inconclusive, notRun);
    }

    /** Every stored check of a model version. */
    public List<SanityCheck.Result> stored(long modelId) {
        return store.sanityResults(modelId).stream().map(SanityService::read).toList();
    }

    private static SanityCheck.Result read(String json) {
        try {
            return JSON.readValue(json, SanityCheck.Result.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(SanityCheck.Result r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
