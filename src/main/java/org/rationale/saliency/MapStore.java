package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** All the SQL of stored saliency maps and sanity-check results. */
@ApplicationScoped
@Owns({"saliency_maps", "sanity_checks"})
public class MapStore {

    @Inject
    EntityManager em;

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
}
