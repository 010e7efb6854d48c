package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import org.rationale.audit.AuditLog;
import org.rationale.dataset.SampleStore;
import org.rationale.error.Conflict;
import org.rationale.error.Invalid;
import org.rationale.error.InvalidFields;
import org.rationale.error.NotFound;
import org.rationale.project.ProjectStore;
import org.rationale.saliency.MapStore;
import org.rationale.security.AccountStore;
import org.rationale.security.Caller;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who reviews what: hands a reviewer the next sample of a project that they have not judged for
 * the model, reserved for them for the project's reservation time (or shared by up to
 * {@code review_overlap} reviewers), records which maps were handed to whom, and guards the overlap
 * rule that verdicts and masks obey (a sample the overlap gave to others is theirs).
 */
@ApplicationScoped
public class ReviewQueue {

    private final ReviewStore store;
    private final ProjectStore projects;
    private final SampleStore samples;
    private final MapStore maps;
    private final AccountStore accounts;
    private final Event<ReviewChanged> changes;
    private final AuditLog audit;

    ReviewQueue(ReviewStore store, ProjectStore projects, SampleStore samples, MapStore maps, AccountStore accounts,
                Event<ReviewChanged> changes, AuditLog audit) {
        this.store = store;
        this.projects = projects;
        this.samples = samples;
        this.maps = maps;
        this.accounts = accounts;
        this.changes = changes;
        this.audit = audit;
    }

    /**
     * Samples a session skips at most: of a longer skip list only the last ones count (those the
     * reviewer saw most recently), so an older skipped sample may be handed out again. Bounds the
     * queries of a session that has run for hours.
     */
    public static final int MOST_SKIPPED = 1000;

    /** The last {@link #MOST_SKIPPED} ids of a skip list (null: none), in their order. */
    public static List<Long> recent(List<Long> skip) {
        if (skip == null) {
            return List.of();
        }
        return List.copyOf(skip.subList(Math.max(0, skip.size() - MOST_SKIPPED), skip.size()));
    }

    /** How many reviewers judge each sample and how long a reservation holds. */
    public record Settings(int overlap, int reservationMinutes) {
    }

    /**
     * The next sample for the caller to review in a project and split, reserved for them: a sample
     * they hold already comes first, then the scheduler's order for the model (when the project's
     * strategy has ranked it), then id order; empty when nothing is left. Only the last
     * {@link #MOST_SKIPPED} samples of {@code skip} are skipped.
     */
    @Transactional
    public Optional<Long> next(long projectId, Caller caller, long modelId, String split, List<Long> skip) {
        long user = userId(caller);
        ProjectStore.ReviewSettings settings = settings(projectId);
        // one hand-out at a time per project: two reviewers asking at once must not both get a sample the overlap gives one
        store.lockQueue(projectId);
        List<Long> skipped = recent(skip);
        // a sample I hold already (and have not judged) comes first, else the scheduler's order when the
        // project's strategy has ranked samples for this model, else the first sample in id order that
        // I have not judged and that the overlap leaves to me
        Optional<Long> sample = store.heldSample(projectId, split, user, modelId, skipped)
                .or(() -> samples.firstQueuedToReview(projectId, split, user, modelId, settings.overlap(), skipped,
                        settings.queueStrategy()))
                .or(() -> samples.firstToReview(projectId, split, user, modelId, settings.overlap(), skipped));
        sample.ifPresent(s -> store.reserve(projectId, s, user, settings.reservationMinutes()));
        return sample;
    }

    /**
     * The samples {@link #next} would hand the caller after those skipped, in its order, at most
     * {@code count}, without reserving any (a look ahead: another reviewer may take them first); only
     * the last {@link #MOST_SKIPPED} samples of {@code skip} are skipped.
     */
    @Transactional
    public List<Long> upcoming(long projectId, Caller caller, long modelId, String split, List<Long> skip, int count) {
        long user = userId(caller);
        ProjectStore.ReviewSettings settings = settings(projectId);
        List<Long> skipped = new ArrayList<>(recent(skip));
        List<Long> out = new ArrayList<>();
        while (out.size() < count) {
            Optional<Long> sample = store.heldSample(projectId, split, user, modelId, skipped)
                    .or(() -> samples.firstQueuedToReview(projectId, split, user, modelId, settings.overlap(), skipped,
                            settings.queueStrategy()))
                    .or(() -> samples.firstToReview(projectId, split, user, modelId, settings.overlap(), skipped));
            if (sample.isEmpty()) {
                break;
            }
            out.add(sample.get());
            skipped.add(sample.get());
        }
        return out;
    }

    /**
     * Ends every reservation in a project: when a round opens its review, samples handed out under
     * the previous model must not come back ahead of the new queue. Returns how many ended.
     */
    @Transactional
    public int releaseReservations(long projectId) {
        int n = store.releaseAll(projectId);
        if (n > 0) {
            changes.fire(new ReviewChanged(projectId));
        }
        return n;
    }

    /**
     * Records that a stored map of a sample was handed to (shown to) the caller, who may then judge
     * it. Handing the same map again changes nothing. 400 when the map is not one of the sample's.
     */
    @Transactional
    public void handOut(Caller caller, long sampleId, long mapId) {
        MapStore.MapOwner owner = maps.ownerOf(mapId).orElseThrow(() -> NotFound.of("Saliency map " + mapId));
        if (owner.sampleId() != sampleId) {
            throw new Invalid("Map of another sample", "Map " + mapId + " is not a map of sample " + sampleId);
        }
        store.handOut(mapId, userId(caller));
    }

    @Transactional
    public Settings settingsOf(long projectId) {
        ProjectStore.ReviewSettings s = settings(projectId);
        return new Settings(s.overlap(), s.reservationMinutes());
    }

    /** Changes the review settings of a project (null leaves a value as it is). */
    @Transactional
    public Settings configure(long projectId, Integer overlap, Integer reservationMinutes) {
        Settings now = settingsOf(projectId);
        int o = overlap == null ? now.overlap() : overlap;
        int m = reservationMinutes == null ? now.reservationMinutes() : reservationMinutes;
        Map<String, String> problems = new LinkedHashMap<>();
        if (o < 1 || o > 10) {
            problems.put("overlap", "Overlap " + o + " is out of range: 1 to 10 reviewers a sample");
        }
        if (m < 1 || m > 1440) {
            problems.put("reservationMinutes", "Reservation time " + m + " is out of range: 1 to 1,440 minutes");
        }
        if (!problems.isEmpty()) {
            throw new InvalidFields("Invalid review settings", problems);
        }
        projects.setReview(projectId, o, m);
        audit.record("project.review-settings", "project:" + projectId, projectId, AuditLog.details(
                "overlap", o, "reservationMinutes", m, "previousOverlap", now.overlap(),
                "previousReservationMinutes", now.reservationMinutes()));
        return new Settings(o, m);
    }

    /**
     * 409 unless the user may judge the sample: they hold it, or fewer than the project's overlap
     * of other reviewers hold it or judged it (under the model; null: under any model).
     */
    void requireTurn(long projectId, long sampleId, long user, Long modelId) {
        int overlap = settings(projectId).overlap();
        if (store.holds(sampleId, user)) {
            return;
        }
        List<String> others = store.othersOn(sampleId, user, modelId);
        if (others.size() >= overlap) {
            throw new Conflict("Sample taken", "Sample " + sampleId + " is being reviewed by "
                    + String.join(", ", others) + " (this project asks for " + overlap + " reviewer"
                    + (overlap == 1 ? "" : "s") + " a sample); take the next one");
        }
    }

    /** Reserves a sample for the user again for the project's reservation time (after an undo). */
    void reserveAgain(long projectId, long sampleId, long user) {
        store.reserve(projectId, sampleId, user, settings(projectId).reservationMinutes());
    }

    /** The account id of the caller. */
    long userId(Caller caller) {
        return accounts.idOf(caller.username());
    }

    private ProjectStore.ReviewSettings settings(long projectId) {
        return projects.reviewSettings(projectId).orElseThrow(() -> NotFound.of("Project " + projectId));
    }
}
