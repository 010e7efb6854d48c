package org.rationale.saliency;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.error.NotFound;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.PredictionService;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deletion/insertion curves of stored maps ({@link DeletionInsertion}: 58 forward passes an image's
 * map, 2·(F + 1) a row's of F features),
 * computed off the request path: one map at a time on one thread, at most {@link #QUEUED} maps
 * waiting (a map asked for beyond that is not queued; asking again later queues it), each map once
 * even when asked for twice at once. Both AUCs are added to the stored map's metrics in one update
 * when done; a failure is logged, stores nothing, and the next request tries again.
 */
@ApplicationScoped
class QualityCurves {

    private static final Logger LOG = Logger.getLogger(QualityCurves.class);

    /** Forward passes of the deletion/insertion curves: steps along each curve. */
    static final int CURVE_STEPS = 28;
    /** Maps waiting for their curves at most. */
    static final int QUEUED = 32;

    /** Curves computed since the start (maps whose curves were found stored meanwhile not counted). */
    private final AtomicLong computed = new AtomicLong();
    private final KeyedBackground<Long, Map<String, Double>> work = new KeyedBackground<>("quality-curves", 1, QUEUED);
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    private final MapStore store;

    QualityCurves(ModelService models, PredictionService predictions, DatasetService datasets, MapStore store) {
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
        this.store = store;
    }

    /**
     * The map's metrics with its curves once they are stored: the computation already waiting or
     * running, else one queued now; empty when the queue is full. With {@code here}, a full queue
     * computes them on the caller's thread.
     */
    Optional<CompletableFuture<Map<String, Double>>> request(SaliencyMap m, boolean here) {
        return work.submit(m.id(), () -> compute(m), here);
    }

    /** Whether the map's curves wait or are being computed now. */
    boolean pending(long mapId) {
        return work.inFlight(mapId).isPresent();
    }

    private Map<String, Double> compute(SaliencyMap m) {
        try {
            // read again: a request that read the map before another one's curves were stored must not compute them twice
            MapStore.StoredValues now = store.find(m.id()).orElseThrow(() -> NotFound.of("Saliency map " + m.id()));
            Map<String, Double> metrics = new TreeMap<>(NewMap.readMetrics(now.metrics()));
            if (metrics.containsKey(SaliencyMap.DELETION_AUC)) {
                return metrics;
            }
            Sample s = datasets.sample(m.sampleId()).orElseThrow(() -> NotFound.of("Sample " + m.sampleId()));
            ModelVersion v = models.version(m.modelId()).orElseThrow(() -> NotFound.of("Model " + m.modelId()));
            InputBatch x = predictions.input(s, v);
            computed.incrementAndGet();
            try (ModelService.Lease lease = models.lease(v)) {
                Optional<TabularInput> layout = lease.model().tabular();
                if (m.ofRow() && layout.isPresent() && layout.get().features().equals(m.features())) {
                    metrics.putAll(DeletionInsertion.rowAucs(lease.model(), x, m.targetClass(), m.values(), layout.get()));
                } else if (m.ofRow()) {
                    throw new IllegalStateException("the map's features " + m.features() + " are not the model's");
                } else {
                    metrics.putAll(DeletionInsertion.aucs(lease.model(), x, m.targetClass(), m.values(), CURVE_STEPS));
                }
            }
            String json = NewMap.writeMetrics(metrics);
            store.updateMetrics(m.id(), json);
            return NewMap.readMetrics(json);
        } catch (RuntimeException e) {
            LOG.warnf("The deletion/insertion curves of map %d were not computed (the next request tries again): %s",
                    m.id(), e.toString());
            throw e;
        }
    }

    /** How many maps' curves were computed since the start. */
    long computed() {
        return computed.get();
    }

    /** Whether no map waits for its curves or has them computed now. */
    boolean idle() {
        return work.size() == 0;
    }

    @PreDestroy
    void close() {
        work.shutdown();
    }
}
