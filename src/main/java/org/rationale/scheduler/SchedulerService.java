package org.rationale.scheduler;

import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Conflict;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.rationale.saliency.AttributionMethods;
import org.rationale.saliency.MapEncoding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The review queue of a project: which training samples experts see next, and why. Candidates
 * are a fixed, seeded pool of the project's training samples (the project's {@code queue_pool});
 * their evidence is what the platform knows for one model version (predictions, the maps of the
 * project's queue method, the masks experts painted). A ranking is stored with its score breakdown,
 * and the review session hands samples out in its order.
 */
@ApplicationScoped
public class SchedulerService {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Places stored per ranking: the review queue beyond them falls back to id order. */
    public static final int STORED = 5000;

    private final EntityManager em;
    private final AttributionMethods methods;

    @jakarta.inject.Inject
    org.rationale.audit.AuditLog audit;

    SchedulerService(EntityManager em, AttributionMethods methods) {
        this.em = em;
        this.methods = methods;
    }

    /** How a project's queue is ordered. */
    public record Settings(Strategy strategy, Weights weights, String method, int pool) {
    }

    /** One place of a stored queue, as the API returns it. */
    public record QueueEntry(long sampleId, int position, double score, Map<String, Double> components) {
    }

    /** Why a sample was handed out: the strategy, its place and the score's parts. */
    public record Reason(String strategy, int position, double score, Map<String, Double> components) {
    }

    @Transactional
    public Settings settings(long projectId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select queue_strategy, queue_weights, queue_method, queue_pool "
                + "from projects where id = ?1").setParameter(1, projectId).getResultList();
        if (rows.isEmpty()) {
            throw NotFound.of("Project " + projectId);
        }
        Object[] r = rows.get(0);
        return new Settings(Strategy.parse((String) r[0]), weights((String) r[1]), (String) r[2], ((Number) r[3]).intValue());
    }

    /** Changes the queue settings (null keeps a value); the weights are checked, the method must exist. */
    @Transactional
    public Settings configure(long projectId, String strategy, Weights weights, String method, Integer pool) {
        Settings now = settings(projectId);
        Strategy s = strategy == null ? now.strategy() : Strategy.parse(strategy);
        Weights w = weights == null ? now.weights() : weights;
        String m = method == null ? now.method() : methods.get(method).name();
        int p = pool == null ? now.pool() : pool;
        if (p < 10 || p > 1_000_000) {
            throw new Invalid("Invalid pool " + p, "The candidate pool holds 10 to 1,000,000 samples");
        }
        em.createNativeQuery("update projects set queue_strategy = ?2, queue_weights = ?3, queue_method = ?4, "
                        + "queue_pool = ?5 where id = ?1").setParameter(1, projectId).setParameter(2, s.value())
                .setParameter(3, json(w)).setParameter(4, m).setParameter(5, p).executeUpdate();
        Settings changed = new Settings(s, w, m, p);
        audit.record("queue.settings", "project:" + projectId, projectId, org.rationale.audit.AuditLog.details(
                "settings", changed, "previous", now));
        return changed;
    }

    /** The candidate pool: the project's training samples in a fixed pseudo-random order, the first {@code pool} of them. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Long> pool(long projectId) {
        int size = settings(projectId).pool();
        return ((List<Number>) em.createNativeQuery("select id from samples where project_id = ?1 and split = 'train' "
                        + "order by hashtextextended(id::text, 7), id limit ?2")
                .setParameter(1, projectId).setParameter(2, size).getResultList()).stream().map(Number::longValue).toList();
    }

    /**
     * Ranks the pool for a model version by a strategy and stores the ranking (replacing the
     * previous one of that strategy); returns the first {@code limit} places.
     */
    @Transactional
    public List<QueueEntry> rerank(long projectId, long modelId, Strategy strategy, Weights weights, int batch, int limit) {
        if (batch < 1 || batch > 1000) {
            throw new Invalid("Invalid batchSize " + batch, "Between 1 and 1,000");
        }
        checkLimit(limit);
        Settings settings = settings(projectId);
        ScoreTable table = table(projectId, modelId, settings.method());
        List<QueueRanker.Ranked> ranked = QueueRanker.rank(table, strategy, weights, batch, modelId * 7919L,
                Math.min(STORED, table.size()));
        em.createNativeQuery("delete from review_queue where project_id = ?1 and model_version_id = ?2 and strategy = ?3")
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, strategy.value()).executeUpdate();
        List<QueueEntry> out = new ArrayList<>();
        var session = em.unwrap(org.hibernate.Session.class);
        session.doWork(c -> {
            try (var ps = c.prepareStatement("insert into review_queue (project_id, model_version_id, strategy, position, "
                    + "sample_id, score, components) values (?, ?, ?, ?, ?, ?, ?)")) {
                int position = 0;
                for (QueueRanker.Ranked r : ranked) {
                    ps.setLong(1, projectId);
                    ps.setLong(2, modelId);
                    ps.setString(3, strategy.value());
                    ps.setInt(4, position);
                    ps.setLong(5, r.sampleId());
                    ps.setFloat(6, (float) r.score());
                    ps.setString(7, json(r.components()));
                    ps.addBatch();
                    if (position < limit) {
                        out.add(new QueueEntry(r.sampleId(), position, r.score(), r.components()));
                    }
                    position++;
                }
                ps.executeBatch();
            }
            // fresh statistics after a bulk insert, so the review session's queue walk is planned right
            try (var st = c.createStatement()) {
                st.execute("analyze review_queue");
            }
        });
        audit.record("queue.rank", "project:" + projectId, projectId, org.rationale.audit.AuditLog.details(
                "modelId", modelId, "strategy", strategy.value(), "weights", weights, "batchSize", batch,
                "candidates", table.size(), "stored", ranked.size(), "first", ranked.stream().limit(batch)
                        .map(r -> org.rationale.audit.AuditLog.details("sampleId", r.sampleId(), "score", r.score()))
                        .toList()));
        return out;
    }

    /**
     * The stored ranking of a strategy for a model version; a 409 naming the call that ranks when
     * there is none (reading never ranks: ranking stores and audits).
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<QueueEntry> queue(long projectId, long modelId, Strategy strategy, int limit) {
        checkLimit(limit);
        List<Object[]> rows = em.createNativeQuery("select sample_id, position, score, components from review_queue "
                        + "where project_id = ?1 and model_version_id = ?2 and strategy = ?3 order by position limit ?4")
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, strategy.value())
                .setParameter(4, limit).getResultList();
        if (rows.isEmpty()) {
            throw new Conflict("No ranking yet", "The " + strategy.value() + " queue of model " + modelId
                    + " has not been ranked: POST /api/projects/" + projectId + "/queue/rerank with {\"strategy\": \""
                    + strategy.value() + "\", \"modelId\": " + modelId + "} (or start a round) ranks it");
        }
        List<QueueEntry> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new QueueEntry(((Number) r[0]).longValue(), ((Number) r[1]).intValue(), ((Number) r[2]).doubleValue(),
                    components((String) r[3])));
        }
        return out;
    }

    /** Why a sample stands where it does in the project's current queue for a model, if it is in it. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Optional<Reason> why(long projectId, long modelId, long sampleId) {
        String strategy = settings(projectId).strategy().value();
        List<Object[]> rows = em.createNativeQuery("select position, score, components from review_queue where "
                        + "project_id = ?1 and model_version_id = ?2 and strategy = ?3 and sample_id = ?4")
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, strategy).setParameter(4, sampleId)
                .getResultList();
        return rows.stream().findFirst().map(r -> new Reason(strategy, ((Number) r[0]).intValue(),
                ((Number) r[1]).doubleValue(), components((String) r[2])));
    }

    /**
     * Why each of the given samples was in front of its reviewers: its place in the stored queue of
     * a strategy (null: the project's) under each model version. Keyed by model id, then sample id.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Map<Long, Map<Long, Reason>> reasons(long projectId, String strategy, Map<Long, ? extends java.util.Collection<Long>>
            samplesByModel) {
        String st = strategy == null ? settings(projectId).strategy().value() : Strategy.parse(strategy).value();
        Map<Long, Map<Long, Reason>> out = new HashMap<>();
        for (var e : samplesByModel.entrySet()) {
            Map<Long, Reason> bySample = new HashMap<>();
            for (Object[] r : (List<Object[]>) em.createNativeQuery("select sample_id, position, score, components "
                            + "from review_queue where project_id = ?1 and model_version_id = ?2 and strategy = ?3 "
                            + "and sample_id = any(cast(?4 as bigint[]))").setParameter(1, projectId)
                    .setParameter(2, e.getKey()).setParameter(3, st)
                    .setParameter(4, org.rationale.database.PgArray.ofLongs(e.getValue())).getResultList()) {
                bySample.put(((Number) r[0]).longValue(), new Reason(st, ((Number) r[1]).intValue(),
                        ((Number) r[2]).doubleValue(), components((String) r[3])));
            }
            out.put(e.getKey(), bySample);
        }
        return out;
    }

    /** The evidence of the pool under a model: predictions, |map| per pixel of the queue method, masks. */
    @SuppressWarnings("unchecked")
    ScoreTable table(long projectId, long modelId, String method) {
        List<Long> pool = pool(projectId);
        if (pool.isEmpty()) {
            throw new Invalid("Nothing to rank", "Project " + projectId + " has no training samples");
        }
        String ids = org.rationale.database.PgArray.ofLongs(pool);
        Map<Long, float[]> probabilities = new HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("select sample_id, cast(probabilities as text) from predictions "
                        + "where model_version_id = ?1 and sample_id = any(cast(?2 as bigint[]))")
                .setParameter(1, modelId).setParameter(2, ids).getResultList()) {
            probabilities.put(((Number) r[0]).longValue(), floats(r[1]));
        }
        Map<Long, float[]> maps = new HashMap<>();
        int[] size = {0, 0};
        for (Object[] r : (List<Object[]>) em.createNativeQuery("select distinct on (sample_id) sample_id, width, height, "
                        + "channels, encoding, data from saliency_maps where model_version_id = ?1 and method = ?2 "
                        + "and sample_id = any(cast(?3 as bigint[])) order by sample_id, created_at desc, id desc")
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, ids).getResultList()) {
            int w = ((Number) r[1]).intValue();
            int h = ((Number) r[2]).intValue();
            int c = ((Number) r[3]).intValue();
            maps.put(((Number) r[0]).longValue(), magnitude((String) r[4], (byte[]) r[5], w, h, c));
            size[0] = w;
            size[1] = h;
        }
        Map<Long, byte[][]> masks = new HashMap<>();
        for (Object[] r : (List<Object[]>) em.createNativeQuery("select a.sample_id, a.kind, a.mask from annotations a "
                        + "join samples s on s.id = a.sample_id where s.project_id = ?1 and a.pixels > 0")
                .setParameter(1, projectId).getResultList()) {
            byte[][] m = masks.computeIfAbsent(((Number) r[0]).longValue(), k -> new byte[2][]);
            m["relevant".equals(r[1]) ? 0 : 1] = (byte[]) r[2];
        }
        List<SampleEvidence> evidence = new ArrayList<>(pool.size());
        for (long id : pool) {
            byte[][] m = masks.getOrDefault(id, new byte[2][]);
            evidence.add(new SampleEvidence(id, probabilities.get(id), maps.get(id), m[0], m[1]));
        }
        // annotated samples outside the pool still teach the prior where shortcuts sit
        List<SampleEvidence> teachers = new ArrayList<>(evidence);
        for (var e : masks.entrySet()) {
            if (!maps.containsKey(e.getKey())) {
                teachers.add(new SampleEvidence(e.getKey(), null, null, e.getValue()[0], e.getValue()[1]));
            }
        }
        ShortcutPrior prior = ShortcutPrior.of(teachers.stream().filter(SampleEvidence::annotated).toList(),
                size[0] * size[1]);
        ScoreTable t = new ScoreTable(evidence.size());
        for (int i = 0; i < evidence.size(); i++) {
            t.set(i, evidence.get(i), prior, size[0], size[1]);
        }
        return t;
    }

    /** A stored map as the scheduler reads it: |attribution| per pixel, summed over channels. */
    static float[] magnitude(String encoding, byte[] data, int w, int h, int c) {
        float[] raw = MapEncoding.decode(encoding, data, w * h * c);
        float[] magnitude = new float[w * h];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < w * h; p++) {
                magnitude[p] += Math.abs(raw[ch * w * h + p]);
            }
        }
        return magnitude;
    }

    /** A real[] as text, {@code {0.1,0.9}}. */
    static float[] floats(Object o) {
        String text = String.valueOf(o).replace("{", "").replace("}", "").strip();
        if (text.isEmpty()) {
            return new float[0];
        }
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i].strip());
        }
        return out;
    }

    private static Weights weights(String json) {
        if (json == null || json.isBlank()) {
            return Weights.DEFAULT;
        }
        try {
            Map<String, Double> m = JSON.readValue(json, new TypeReference<Map<String, Double>>() { });
            return Weights.of(m.get("disagreement"), m.get("uncertainty"), m.get("redFlag"), m.get("diversity"));
        } catch (JsonProcessingException e) {
            return Weights.DEFAULT;
        }
    }

    private static Map<String, Double> components(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Double>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored score breakdown is not JSON: " + json, e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > STORED) {
            throw new Invalid("Invalid limit " + limit, "Between 1 and " + STORED);
        }
    }
}
