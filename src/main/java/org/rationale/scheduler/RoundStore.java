package org.rationale.scheduler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.hibernate.Session;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;
import org.rationale.database.PgTime;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** All the SQL of active-learning rounds and the ranked review queue. */
@ApplicationScoped
@Owns({"rounds", "review_queue"})
public class RoundStore {

    @Inject
    EntityManager em;

    /** One place of a stored ranking; {@code components} is the score breakdown as JSON. */
    public record QueueRow(long sampleId, int position, double score, String components) {
    }

    /** What a new round stores. */
    public record NewRound(long projectId, int number, String strategy, int batchSize, String feedback, float lambda,
                           int epochs, long modelId, String startedBy, int reviewedBefore, int controls) {
    }

    /** What a round's retraining gave: the new version, its test accuracy, its parent's and its controls', the verdict. */
    public record Trained(long trainedModelId, long recomputeJobId, Double testAccuracy, Double parentAccuracy,
                          List<Double> controlAccuracies, String verdict, boolean madeCurrent) {
    }

    // ---- rounds

    /** Serialises starting and retraining rounds of a project until the transaction ends. */
    public void lockRounds(long projectId) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended('rounds:' || ?1, 0))")
                .setParameter(1, projectId).getSingleResult();
    }

    /** The number the project's next round takes. */
    public int nextNumber(long projectId) {
        return (Integer) em.createNativeQuery("select coalesce(max(number), 0) + 1 from rounds where project_id = ?1",
                Integer.class).setParameter(1, projectId).getSingleResult();
    }

    /** Stores a new round, recomputing its model's evidence; returns its id. */
    public long insert(NewRound r) {
        return (Long) em.createNativeQuery("insert into rounds (project_id, number, strategy, batch_size, feedback, "
                        + "lambda, epochs, model_version_id, state, started_by, reviewed_before, controls) values (?1, ?2, ?3, ?4, "
                        + "?5, ?6, ?7, ?8, 'recomputing', ?9, ?10, ?11) returning id", Long.class)
                .setParameter(1, r.projectId()).setParameter(2, r.number()).setParameter(3, r.strategy())
                .setParameter(4, r.batchSize()).setParameter(5, r.feedback()).setParameter(6, r.lambda())
                .setParameter(7, r.epochs()).setParameter(8, r.modelId()).setParameter(9, r.startedBy())
                .setParameter(10, r.reviewedBefore()).setParameter(11, r.controls()).getSingleResult();
    }

    /** Names the job recomputing a round's evidence. */
    public void setRecomputeJob(long id, long jobId) {
        em.createNativeQuery("update rounds set recompute_job_id = ?2 where id = ?1").setParameter(1, id)
                .setParameter(2, jobId).executeUpdate();
    }

    /** A round goes to training: its job and what the reviews gave (samples reviewed, shortcut masks). */
    public void training(long id, long jobId, int reviewed, int masks) {
        em.createNativeQuery("update rounds set state = 'training', training_job_id = ?2, reviewed = ?3, masks = ?4 "
                        + "where id = ?1").setParameter(1, id).setParameter(2, jobId).setParameter(3, reviewed)
                .setParameter(4, masks).executeUpdate();
    }

    /** A round's model is trained and judged: its evidence is recomputed by a job. */
    public void trained(long id, Trained t) {
        StringBuilder controls = new StringBuilder("{");
        for (Double c : t.controlAccuracies()) {
            controls.append(controls.length() > 1 ? "," : "").append(c.floatValue());
        }
        em.createNativeQuery("update rounds set state = 'recomputing', trained_model_id = ?2, recompute_job_id = ?3, "
                        + "test_accuracy = ?4, parent_accuracy = ?5, control_accuracies = cast(?6 as real[]), verdict = ?7, "
                        + "made_current = ?8 where id = ?1").setParameter(1, id).setParameter(2, t.trainedModelId())
                .setParameter(3, t.recomputeJobId()).setParameter(4, t.testAccuracy()).setParameter(5, t.parentAccuracy())
                .setParameter(6, controls.append('}').toString()).setParameter(7, t.verdict())
                .setParameter(8, t.madeCurrent()).executeUpdate();
    }

    /** A round's samples are ranked: reviews begin. */
    public void reviewing(long id) {
        em.createNativeQuery("update rounds set state = 'reviewing' where id = ?1").setParameter(1, id).executeUpdate();
    }

    /** A round is done, with the share of attribution on known shortcuts (null: none known). */
    public void done(long id, Float shortcutMass) {
        em.createNativeQuery("update rounds set state = 'done', finished_at = now(), shortcut_mass = ?2 where id = ?1")
                .setParameter(1, id).setParameter(2, shortcutMass).executeUpdate();
    }

    /** Fails a round still waiting on a job; false when it was not. */
    public boolean fail(long id, String error) {
        return em.createNativeQuery("update rounds set state = 'failed', error = ?2, finished_at = now() where id = ?1 "
                        + "and state in ('recomputing', 'training')").setParameter(1, id).setParameter(2, error)
                .executeUpdate() > 0;
    }

    /** The ids of the rounds waiting on a job, oldest first. */
    public List<Long> waitingRoundIds() {
        return em.createNativeQuery("select id from rounds where state in ('recomputing', 'training') order by id", Long.class)
                .getResultList();
    }

    /** A round by id, locked until the transaction ends. */
    public RoundService.Round lockRound(long id) {
        return rounds("id = ?1 for update", id).get(0);
    }

    /** A round by id. */
    public RoundService.Round round(long id) {
        return rounds("id = ?1", id).get(0);
    }

    /** The rounds of a project by number. */
    public List<RoundService.Round> list(long projectId) {
        return rounds("project_id = ?1 order by number", projectId);
    }

    /** A round of a project by its number. */
    public Optional<RoundService.Round> find(long projectId, int number) {
        return rounds("project_id = ?1 and number = ?2", projectId, number).stream().findFirst();
    }

    /** The project's round that is not yet done or failed, if any. */
    public Optional<RoundService.Round> open(long projectId) {
        return rounds("project_id = ?1 and state in ('reviewing', 'training', 'recomputing')", projectId).stream().findFirst();
    }

    private List<RoundService.Round> rounds(String where, Object... params) {
        // the rounds first, then the version numbers of their models
        var q = em.createNativeQuery("with r as (select id, project_id, number, strategy, batch_size, feedback, lambda, "
                + "epochs, model_version_id, training_job_id, recompute_job_id, trained_model_id, state, reviewed_before, "
                + "reviewed, masks, test_accuracy, shortcut_mass, error, started_by, created_at, finished_at, reliance_drop, "
                + "reliance_flip_rate, reliance_regions, controls, parent_accuracy, "
                + "array_to_json(control_accuracies)::text as control_accuracies, verdict, made_current "
                + "from rounds where " + where + ") select r.*, mv.version as model_version, "
                + "tv.version as trained_model_version from r left join model_versions mv on mv.id = r.model_version_id "
                + "left join model_versions tv on tv.id = r.trained_model_id order by r.number",
                Tuple.class);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = q.getResultList();
        return rows.stream().map(RoundStore::round).toList();
    }

    private static RoundService.Round round(Tuple t) {
        List<Double> controls = doubles(t.get("control_accuracies", String.class));
        String verdict = t.get("verdict", String.class);
        RoundVerdict judged = verdict == null ? null
                : RoundVerdict.stored(verdict, doubleOrNull(t, "parent_accuracy"), doubleOrNull(t, "test_accuracy"), controls);
        return new RoundService.Round(t.get("id", Number.class).longValue(), t.get("project_id", Number.class).longValue(),
                t.get("number", Number.class).intValue(), t.get("strategy", String.class),
                t.get("batch_size", Number.class).intValue(), t.get("feedback", String.class),
                t.get("lambda", Number.class).doubleValue(), t.get("epochs", Number.class).intValue(),
                t.get("model_version_id", Number.class).longValue(), longOrNull(t, "training_job_id"),
                longOrNull(t, "recompute_job_id"), longOrNull(t, "trained_model_id"), t.get("state", String.class),
                t.get("reviewed_before", Number.class).intValue(), intOrNull(t, "reviewed"), intOrNull(t, "masks"),
                doubleOrNull(t, "test_accuracy"), doubleOrNull(t, "shortcut_mass"), t.get("error", String.class),
                t.get("started_by", String.class), PgTime.of(t.get("created_at")), PgTime.of(t.get("finished_at")),
                intOrNull(t, "model_version"), intOrNull(t, "trained_model_version"), doubleOrNull(t, "reliance_drop"),
                doubleOrNull(t, "reliance_flip_rate"), intOrNull(t, "reliance_regions"), intOrNull(t, "controls"),
                doubleOrNull(t, "parent_accuracy"), controls, verdict, verdict == null ? null : judged.words(),
                verdict == null ? null : judged.spread(), t.get("made_current", Boolean.class));
    }

    /** The numbers of a JSON array of numbers ({@code [0.8,0.79]}); null for null. */
    private static List<Double> doubles(String json) {
        if (json == null) {
            return null;
        }
        String inner = json.strip();
        inner = inner.substring(1, inner.length() - 1).strip();
        return inner.isEmpty() ? List.of() : Arrays.stream(inner.split(",")).map(x -> Double.valueOf(x.strip())).toList();
    }

    private static Long longOrNull(Tuple t, String alias) {
        Number n = t.get(alias, Number.class);
        return n == null ? null : n.longValue();
    }

    private static Integer intOrNull(Tuple t, String alias) {
        Number n = t.get(alias, Number.class);
        return n == null ? null : n.intValue();
    }

    private static Double doubleOrNull(Tuple t, String alias) {
        Number n = t.get(alias, Number.class);
        return n == null ? null : n.doubleValue();
    }

    // ---- the ranked review queue

    /**
     * Replaces the stored ranking of a strategy for a model version with {@code rows} in one batch,
     * then refreshes the table's statistics so the review session's queue walk is planned right.
     */
    public void replaceQueue(long projectId, long modelId, String strategy, List<QueueRow> rows) {
        em.createNativeQuery("delete from review_queue where project_id = ?1 and model_version_id = ?2 and strategy = ?3")
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, strategy).executeUpdate();
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into review_queue (project_id, model_version_id, "
                    + "strategy, position, sample_id, score, components) values (?, ?, ?, ?, ?, ?, ?)")) {
                for (QueueRow r : rows) {
                    ps.setLong(1, projectId);
                    ps.setLong(2, modelId);
                    ps.setString(3, strategy);
                    ps.setInt(4, r.position());
                    ps.setLong(5, r.sampleId());
                    ps.setFloat(6, (float) r.score());
                    ps.setString(7, r.components());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (Statement st = c.createStatement()) {
                st.execute("analyze review_queue");
            }
        });
    }

    /** The first {@code limit} places of a stored ranking, in order (empty when it was never ranked). */
    public List<QueueRow> queue(long projectId, long modelId, String strategy, int limit) {
        List<Tuple> rows = em.createNativeQuery("select sample_id, position, score, components from review_queue "
                        + "where project_id = ?1 and model_version_id = ?2 and strategy = ?3 order by position limit ?4",
                        Tuple.class)
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, strategy).setParameter(4, limit)
                .getResultList();
        return rows.stream().map(RoundStore::queueRow).toList();
    }

    /** The place of a sample in a stored ranking, if it is in it. */
    public Optional<QueueRow> placeOf(long projectId, long modelId, String strategy, long sampleId) {
        List<Tuple> rows = em.createNativeQuery("select sample_id, position, score, components from review_queue where "
                        + "project_id = ?1 and model_version_id = ?2 and strategy = ?3 and sample_id = ?4", Tuple.class)
                .setParameter(1, projectId).setParameter(2, modelId).setParameter(3, strategy).setParameter(4, sampleId)
                .getResultList();
        return rows.stream().findFirst().map(RoundStore::queueRow);
    }

    /** The places of some samples in a stored ranking (those in it). */
    public List<QueueRow> placesOf(long projectId, long modelId, String strategy, Collection<Long> sampleIds) {
        List<Tuple> rows = em.createNativeQuery("select sample_id, position, score, components "
                        + "from review_queue where project_id = ?1 and model_version_id = ?2 and strategy = ?3 "
                        + "and sample_id = any(cast(?4 as bigint[]))", Tuple.class).setParameter(1, projectId)
                .setParameter(2, modelId).setParameter(3, strategy).setParameter(4, PgArray.ofLongs(sampleIds))
                .getResultList();
        return rows.stream().map(RoundStore::queueRow).toList();
    }

    private static QueueRow queueRow(Tuple t) {
        return new QueueRow(t.get("sample_id", Number.class).longValue(), t.get("position", Number.class).intValue(),
                t.get("score", Number.class).doubleValue(), t.get("components", String.class));
    }

    /** The samples the project's rounds before {@code number} reviewed, added up (where a new round's curve starts). */
    public int reviewedByRoundsBefore(long projectId, int number) {
        return ((Number) em.createNativeQuery("select coalesce(sum(reviewed), 0) from rounds where project_id = ?1 "
                + "and number < ?2").setParameter(1, projectId).setParameter(2, number).getSingleResult()).intValue();
    }

    /** The ids of done rounds whose trained model's reliance is not measured yet, oldest first. */
    public List<Long> unmeasuredRoundIds() {
        return em.createNativeQuery("select id from rounds where state = 'done' and trained_model_id is not null "
                + "and reliance_regions is null order by id", Long.class).getResultList();
    }

    /** The reliance of a round's trained model (figures null with 0 regions: nothing to measure). */
    public void reliance(long id, Float drop, Float flipRate, int regions) {
        em.createNativeQuery("update rounds set reliance_drop = ?2, reliance_flip_rate = ?3, reliance_regions = ?4 "
                        + "where id = ?1").setParameter(1, id).setParameter(2, drop).setParameter(3, flipRate)
                .setParameter(4, regions).executeUpdate();
    }
}
