package org.rationale.model;

import org.rationale.security.ProjectScoped;
import java.util.EnumSet;
import java.util.Set;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All the SQL of the tables {@code model_versions} (one stored version of a model of a project: its
 * input spec, origin and hash; mapped by {@link ModelVersion}) and {@code model_artifacts} (the
 * files of a version by part, with their hashes): version numbers, the latest version of a project,
 * and the artifacts' bytes. Returns entities and records.
 */
@ApplicationScoped
@Owns({"model_versions", "model_artifacts"})
public class ModelStore implements ProjectScoped {

    @Inject
    EntityManager em;

    /** One file of a version: its part name, hash and bytes. */
    public record Artifact(String part, String sha256, byte[] bytes) {
    }

    @Transactional
    public Optional<ModelVersion> find(long id) {
        return ModelVersion.findByIdOptional(id);
    }

    /** The versions of a project, oldest first. */
    @Transactional
    public List<ModelVersion> list(long projectId) {
        return ModelVersion.list("projectId = ?1 order by id", projectId);
    }

    /** The project's most recently stored version. */
    @Transactional
    public Optional<ModelVersion> latest(long projectId) {
        return ModelVersion.<ModelVersion>find("projectId = ?1 order by id desc", projectId).firstResultOptional();
    }

    /** The version a training job stored, if it stored one. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<ModelVersion> byTrainingJob(long trainingJobId) {
        return ModelVersion.<ModelVersion>find("trainingJobId", trainingJobId).firstResultOptional();
    }

    /** The highest version number of a model name in a project, 0 when it has none. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int lastVersion(long projectId, String name) {
        Integer last = em.createQuery("select max(m.version) from ModelVersion m where m.projectId = ?1 and m.name = ?2",
                Integer.class).setParameter(1, projectId).setParameter(2, name).getSingleResult();
        return last == null ? 0 : last;
    }

    /** Stores a new version with its files, and reads back what the database filled in. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(ModelVersion v, List<Artifact> artifacts) {
        v.persist();
        em.flush();
        for (Artifact a : artifacts) {
            em.createNativeQuery("insert into model_artifacts (model_version_id, part, sha256, bytes) values (?1, ?2, ?3, ?4)")
                    .setParameter(1, v.id).setParameter(2, a.part()).setParameter(3, a.sha256())
                    .setParameter(4, a.bytes()).executeUpdate();
        }
        em.refresh(v);
    }

    /** The files of a version, by part. */
    @Transactional
    public Map<String, byte[]> artifacts(long versionId) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select part, bytes from model_artifacts where model_version_id = ?1",
                        Tuple.class)
                .setParameter(1, versionId).getResultList();
        Map<String, byte[]> parts = new LinkedHashMap<>();
        for (Tuple t : rows) {
            parts.put(t.get("part", String.class), t.get("bytes", byte[].class));
        }
        return parts;
    }

    /** One file of a version by part (e.g. a tabular version's reference rows without its model); empty when it has none. */
    @Transactional
    public Optional<byte[]> artifact(long versionId, String part) {
        List<?> rows = em.createNativeQuery("select bytes from model_artifacts where model_version_id = ?1 and part = ?2",
                        byte[].class)
                .setParameter(1, versionId).setParameter(2, part).getResultList();
        return rows.stream().findFirst().map(b -> (byte[]) b);
    }

    /** The model version a feedback round retrains (the parent of the version it trains), if the round exists. */
    @Transactional
    public Optional<Long> retrainedBy(long roundId) {
        List<?> ids = em.createNativeQuery("select m.id from model_versions m join rounds r on r.model_version_id = m.id "
                + "where r.id = ?1").setParameter(1, roundId).getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }

    /** The project of a model version, if it exists. */
    @Transactional
    public Optional<Long> projectOf(long modelId) {
        List<?> ids = em.createNativeQuery("select project_id from model_versions where id = ?1").setParameter(1, modelId)
                .getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }

    @Override
    public Set<Thing> things() {
        return EnumSet.of(Thing.MODEL);
    }

    /** The project of a model (for access checks). */
    @Override
    @Transactional
    public Optional<Long> projectOf(Thing thing, long id) {
        return projectOf(id);
    }
}
