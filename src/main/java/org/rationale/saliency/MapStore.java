package org.rationale.saliency;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * All the SQL of the tables {@code saliency_maps} (one stored map per sample, model version,
 * method, canonical parameters and target class: its float16 values, shape, min/max/sum and metrics
 * as JSON) and {@code sanity_checks} (one randomisation check per model version, method and
 * parameters, its result as JSON): the bulk insert of computed maps, reads by key or id, and the
 * quality summary of the reports. Returns records.
 */
@ApplicationScoped
@Owns({"saliency_maps", "sanity_checks"})
public class MapStore {

    private static final String KEY = "sample_id = ?1 and model_version_id = ?2 and method = ?3 and parameters = ?4 "
            + "and target_label = ?5";

    /** SQL of {@link MapSignal}: all zero, or a spread within float16 rounding of the largest magnitude. */
    static final String NO_SIGNAL = "(min_value = 0 and max_value = 0) or (max_value - min_value <= "
            + MapSignal.CONSTANT_SPREAD + " * greatest(abs(min_value), abs(max_value)))";

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    /** A stored map as read: its id, encoded values, shape, stored size and metrics JSON. */
    record StoredValues(long id, long sampleId, String encoding, byte[] data, int channels, int height, int width,
                        int storedBytes, String metrics, double min, double max, String selfCheck) {
    }

    /** A sample and target class that have a stored map. */
    record SampleTarget(long sampleId, int target) {
    }

    /**
     * Stores the maps in one JDBC batch, in the caller's transaction or a new one; a map stored
     * meanwhile (by another worker or request) is kept as it is.
     */
    @Transactional
    void insert(List<NewMap> maps) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into saliency_maps (sample_id, model_version_id, "
                     + "method, parameters, target_label, width, height, channels, encoding, data, min_value, max_value, "
                     + "sum_value, metrics, self_check) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            for (NewMap m : maps) {
                MapKey k = m.key();
                ps.setLong(1, k.sampleId());
                ps.setLong(2, k.modelId());
                ps.setString(3, k.method());
                ps.setString(4, k.parameters());
                ps.setInt(5, k.target());
                ps.setInt(6, m.width());
                ps.setInt(7, m.height());
                ps.setInt(8, m.channels());
                ps.setString(9, MapEncoding.NAME);
                ps.setBytes(10, m.data());
                ps.setFloat(11, (float) m.min());
                ps.setFloat(12, (float) m.max());
                ps.setDouble(13, m.sum());
                ps.setString(14, m.metrics());
                ps.setString(15, m.selfCheck());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Storing maps failed: " + e.getMessage(), e);
        }
    }

    /** Stores the map unless a concurrent request stored it first; either way returns the stored id. */
    @Transactional
    long insert(NewMap map) {
        insert(List.of(map));
        MapKey k = map.key();
        return (Long) bind(em.createNativeQuery("select id from saliency_maps where " + KEY, Long.class), k)
                .getSingleResult();
    }

    /** The stored map with this key, if there is one. */
    @Transactional
    Optional<StoredValues> find(MapKey k) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = bind(em.createNativeQuery("select id, sample_id, encoding, data, channels, height, width, "
                + "length(data) as stored_bytes, metrics, min_value, max_value, self_check from saliency_maps where " + KEY, Tuple.class), k)
                .getResultList();
        return rows.stream().findFirst().map(MapStore::values);
    }

    /** The stored map with this id, if there is one. */
    @Transactional
    Optional<StoredValues> find(long mapId) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, sample_id, encoding, data, channels, height, width, "
                        + "length(data) as stored_bytes, metrics, min_value, max_value, self_check from saliency_maps where id = ?1", Tuple.class)
                .setParameter(1, mapId).getResultList();
        return rows.stream().findFirst().map(MapStore::values);
    }

    /** A stored map's values as encoded, with the model version it was computed under. */
    record EncodedValues(long id, long modelId, String encoding, byte[] data, int values) {
    }

    /** The stored maps among these ids, with their model versions, in one query (ids no longer stored absent). */
    @Transactional
    List<EncodedValues> encodedValues(Collection<Long> mapIds) {
        if (mapIds.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, model_version_id, encoding, data, "
                        + "width * height * channels as n from saliency_maps where id = any(cast(?1 as bigint[]))", Tuple.class)
                .setParameter(1, PgArray.ofLongs(mapIds)).getResultList();
        return rows.stream().map(t -> new EncodedValues(t.get("id", Number.class).longValue(),
                t.get("model_version_id", Number.class).longValue(), t.get("encoding", String.class),
                t.get("data", byte[].class), t.get("n", Number.class).intValue())).toList();
    }

    private static StoredValues values(Tuple t) {
        return new StoredValues(t.get("id", Long.class), t.get("sample_id", Long.class), t.get("encoding", String.class),
                t.get("data", byte[].class), t.get("channels", Integer.class), t.get("height", Integer.class),
                t.get("width", Integer.class), t.get("stored_bytes", Integer.class), t.get("metrics", String.class),
                t.get("min_value", Number.class).doubleValue(), t.get("max_value", Number.class).doubleValue(),
                t.get("self_check", String.class));
    }

    private static <Q extends Query> Q bind(Q q, MapKey k) {
        q.setParameter(1, k.sampleId()).setParameter(2, k.modelId()).setParameter(3, k.method())
                .setParameter(4, k.parameters()).setParameter(5, k.target());
        return q;
    }

    /** Which of these samples have a stored map of the method with these parameters, and for which target. */
    @Transactional
    Set<SampleTarget> storedTargets(Collection<Long> sampleIds, long modelId, String method, String parameters) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select sample_id, target_label from saliency_maps where "
                        + "model_version_id = ?1 and method = ?2 and parameters = ?3 and sample_id = any(cast(?4 as bigint[]))",
                        Tuple.class)
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, parameters)
                .setParameter(4, PgArray.ofLongs(sampleIds)).getResultList();
        Set<SampleTarget> out = new HashSet<>();
        rows.forEach(t -> out.add(new SampleTarget(t.get("sample_id", Long.class), t.get("target_label", Integer.class))));
        return out;
    }

    /** Replaces the metrics of a stored map (the deletion/insertion curves are added on first view). */
    @Transactional
    void updateMetrics(long mapId, String metrics) {
        em.createNativeQuery("update saliency_maps set metrics = ?2 where id = ?1").setParameter(1, mapId)
                .setParameter(2, metrics).executeUpdate();
    }

    /** How the stored maps of every method (with its parameters) under the given model versions fare on the quality metrics. */
    @Transactional
    List<SaliencyService.MethodQuality> quality(Collection<Long> modelIds) {
        if (modelIds.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select model_version_id, method, parameters, count(*) as maps, "
                        + "avg(abs(cast(cast(metrics as jsonb) ->> 'completenessGap' as double precision))) as mean_gap, "
                        + "max(abs(cast(cast(metrics as jsonb) ->> 'completenessGap' as double precision))) as max_gap, "
                        + "count(cast(metrics as jsonb) ->> 'deletionAuc') as with_curves, "
                        + "avg(cast(cast(metrics as jsonb) ->> 'deletionAuc' as double precision)) as deletion_auc, "
                        + "avg(cast(cast(metrics as jsonb) ->> 'insertionAuc' as double precision)) as insertion_auc, "
                        + "count(*) filter (where " + NO_SIGNAL + ") as without_signal, "
                        + "count(*) filter (where self_check is not null) as self_check_flagged "
                        + "from saliency_maps where model_version_id = any(cast(?1 as bigint[])) "
                        + "group by model_version_id, method, parameters order by model_version_id, method, parameters",
                        Tuple.class)
                .setParameter(1, PgArray.ofLongs(modelIds)).getResultList();
        List<SaliencyService.MethodQuality> out = new ArrayList<>(rows.size());
        for (Tuple t : rows) {
            out.add(new SaliencyService.MethodQuality(t.get("model_version_id", Long.class), t.get("method", String.class),
                    t.get("parameters", String.class), t.get("maps", Long.class), t.get("mean_gap", Double.class),
                    t.get("max_gap", Double.class), t.get("with_curves", Long.class), t.get("deletion_auc", Double.class),
                    t.get("insertion_auc", Double.class), t.get("without_signal", Long.class),
                    t.get("self_check_flagged", Long.class)));
        }
        return out;
    }

    /** The stored sanity check (its result as JSON) of a method with these canonical parameters. */
    @Transactional
    Optional<String> sanityResult(long modelId, String method, String parameters) {
        List<String> rows = em.createNativeQuery("select result from sanity_checks where model_version_id = ?1 "
                        + "and method = ?2 and parameters = ?3", String.class)
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, parameters).getResultList();
        return rows.stream().findFirst();
    }

    /** Every stored sanity check of a model version (results as JSON), oldest first. */
    @Transactional
    List<String> sanityResults(long modelId) {
        return em.createNativeQuery("select result from sanity_checks where model_version_id = ?1 order by id",
                String.class).setParameter(1, modelId).getResultList();
    }

    /** Stores a sanity check unless one is stored already; whether this one was stored. */
    @Transactional
    boolean insertSanity(long modelId, String method, String parameters, boolean passed, double finalSimilarity,
                         String result) {
        return em.createNativeQuery("insert into sanity_checks (model_version_id, method, parameters, passed, final_similarity, "
                        + "result) values (?1, ?2, ?3, ?4, ?5, ?6) on conflict do nothing")
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, parameters)
                .setParameter(4, passed).setParameter(5, finalSimilarity).setParameter(6, result)
                .executeUpdate() > 0;
    }

    /** Which sample, model version and project a stored map belongs to. */
    public record MapOwner(long sampleId, long modelId, long projectId) {
    }

    /** A stored map as encoded: its sample, size, channels, encoding and bytes. */
    public record EncodedMap(long sampleId, int width, int height, int channels, String encoding, byte[] data) {
    }

    /**
     * A map beside the known shortcut of its sample: the box recorded with the dataset (null when
     * none) or else the {@code shortcut} mask an expert painted.
     */
    public record MapOnShortcut(EncodedMap map, Integer boxX, Integer boxY, Integer boxWidth, Integer boxHeight,
                                byte[] paintedMask) {
    }

    /** The sample, model version and project of a stored map; empty when there is no such map. */
    public Optional<MapOwner> ownerOf(long mapId) {
        List<Tuple> rows = em.createNativeQuery("select m.sample_id, m.model_version_id, s.project_id from saliency_maps m "
                + "join samples s on s.id = m.sample_id where m.id = ?1", Tuple.class).setParameter(1, mapId).getResultList();
        return rows.stream().findFirst().map(t -> new MapOwner(t.get("sample_id", Number.class).longValue(),
                t.get("model_version_id", Number.class).longValue(), t.get("project_id", Number.class).longValue()));
    }

    /** The newest map of a method under a model for each of the samples that has one. */
    public List<EncodedMap> latestMaps(long modelId, String method, Collection<Long> sampleIds) {
        List<Tuple> rows = em.createNativeQuery("select distinct on (sample_id) sample_id, width, height, "
                        + "channels, encoding, data from saliency_maps where model_version_id = ?1 and method = ?2 "
                        + "and sample_id = any(cast(?3 as bigint[])) order by sample_id, created_at desc, id desc", Tuple.class)
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, PgArray.ofLongs(sampleIds))
                .getResultList();
        return rows.stream().map(MapStore::encodedMap).toList();
    }

    /**
     * The newest map of a method under a model for each of the samples with a known shortcut (a box
     * recorded with the dataset or a painted, non-empty {@code shortcut} mask).
     */
    public List<MapOnShortcut> mapsOnShortcuts(long modelId, String method, Collection<Long> sampleIds) {
        List<Tuple> rows = em.createNativeQuery("select distinct on (m.sample_id) m.sample_id, m.width, m.height, m.channels, "
                        + "m.encoding, m.data, s.shortcut_x, s.shortcut_y, s.shortcut_width, s.shortcut_height, a.mask "
                        + "from saliency_maps m join samples s on s.id = m.sample_id left join annotations a on "
                        + "a.sample_id = m.sample_id and a.kind = 'shortcut' and a.pixels > 0 where m.model_version_id = ?1 "
                        + "and m.method = ?2 and m.sample_id = any(cast(?3 as bigint[])) and (s.shortcut_x is not null "
                        + "or a.mask is not null) order by m.sample_id, m.id desc", Tuple.class)
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, PgArray.ofLongs(sampleIds))
                .getResultList();
        return rows.stream().map(t -> new MapOnShortcut(encodedMap(t), intOrNull(t, "shortcut_x"), intOrNull(t, "shortcut_y"),
                intOrNull(t, "shortcut_width"), intOrNull(t, "shortcut_height"), t.get("mask", byte[].class))).toList();
    }

    private static EncodedMap encodedMap(Tuple t) {
        return new EncodedMap(t.get("sample_id", Number.class).longValue(), t.get("width", Number.class).intValue(),
                t.get("height", Number.class).intValue(), t.get("channels", Number.class).intValue(),
                t.get("encoding", String.class), t.get("data", byte[].class));
    }

    private static Integer intOrNull(Tuple t, String alias) {
        Number n = t.get(alias, Number.class);
        return n == null ? null : n.intValue();
    }

    /** Whether any map is stored under one of these model versions. */
    @Transactional
    public boolean anyMapOf(Collection<Long> modelIds) {
        if (modelIds.isEmpty()) {
            return false;
        }
        return (Boolean) em.createNativeQuery("select exists (select 1 from saliency_maps "
                        + "where model_version_id = any(cast(?1 as bigint[])))", Boolean.class)
                .setParameter(1, PgArray.ofLongs(modelIds)).getSingleResult();
    }

    /** How many of these samples have a stored map of one method under a model version. */
    @Transactional
    public int countMapped(long modelId, String method, Collection<Long> sampleIds) {
        return ((Number) em.createNativeQuery("select count(distinct sample_id) from saliency_maps "
                        + "where model_version_id = ?1 and method = ?2 and sample_id = any(cast(?3 as bigint[]))")
                .setParameter(1, modelId).setParameter(2, method).setParameter(3, PgArray.ofLongs(sampleIds))
                .getSingleResult()).intValue();
    }

    /**
     * Per method (with its parameters) of a model version: its stored maps, how many have no signal
     * ({@link MapSignal}) and how many a worker flagged when its self-check failed. Reads only the
     * stored extremes and flags, no map data.
     */
    @Transactional
    List<SaliencyService.MapSignals> signals(long modelId) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select method, parameters, count(*) as maps, count(*) filter (where "
                        + NO_SIGNAL + ") as without_signal, count(*) filter (where self_check is not null) as flagged "
                        + "from saliency_maps where model_version_id = ?1 group by method, parameters "
                        + "order by method, parameters", Tuple.class)
                .setParameter(1, modelId).getResultList();
        return rows.stream().map(t -> new SaliencyService.MapSignals(t.get("method", String.class),
                t.get("parameters", String.class), t.get("maps", Number.class).longValue(),
                t.get("without_signal", Number.class).longValue(), t.get("flagged", Number.class).longValue())).toList();
    }
}
