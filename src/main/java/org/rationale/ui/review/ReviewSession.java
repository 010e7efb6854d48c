package org.rationale.ui.review;

import jakarta.enterprise.context.Dependent;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.TableColumn;
import org.rationale.dataset.TrainingDistribution;
import org.rationale.error.DomainError;
import org.rationale.model.InputFrame;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.review.MapsOfNext;
import org.rationale.review.ReviewBroadcaster;
import org.rationale.review.RelianceService;
import org.rationale.review.ReviewService;
import org.rationale.saliency.MapEncoding;
import org.rationale.saliency.MethodAvailability;
import org.rationale.saliency.RegionReliance;
import org.rationale.saliency.SaliencyMap;
import org.rationale.saliency.SaliencyService;
import org.rationale.saliency.SanityService;
import org.rationale.scheduler.RoundService;
import org.rationale.scheduler.SchedulerService;
import org.rationale.security.Caller;
import org.rationale.scheduler.Strategy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * One expert's review session on one project, without a browser: which sample and map are shown, where
 * the session is in its history, which map the page was last sent, the versions of the verdict and
 * masks the expert saw. It turns the page's commands (verdict, undo, previous, next, masks) into service
 * calls, drops those that name a map other than the one shown, and turns the services' refusals into
 * messages for the expert. What it shows goes to a {@link Screen}.
 */
@Dependent
public class ReviewSession {

    /** The canvas key of the page when nothing is left to review. */
    static final String DONE = "done";
    static final String NO_COMPARISON = "none";
    /**
     * The order in which the review page always offered these methods; every other registered method
     * follows the one it follows in the registry.
     */
    private static final List<String> FAMILIAR = List.of("vanilla-gradient", "gradient-x-input",
            "integrated-gradients", "smoothgrad", "grad-cam", "occlusion");
    private static final Duration COALESCE = Duration.ofSeconds(1);
    /** Perturbation methods shown beside the map of a version trained with the gradient penalty, the first available. */
    static final List<String> PERTURBATION = List.of("occlusion", "rise");
    /**
     * Largest image (pixels) whose occlusion map is the default second map: occlusion's default
     * window slides over every other pixel (about 1,000 forward passes at 64×64, 12,000 at 224×224),
     * so a larger image gets RISE (500 passes whatever its size).
     */
    static final int OCCLUSION_PIXELS = 64 * 64;

    /** Samples in the history list: the expert's most recent verdicts. */
    static final int HISTORY = 20;
    /** The method a table row is first shown with (its default baseline: the training rows' mean), and the fallback. */
    static final String ROW_METHOD = "integrated-gradients";
    static final String ROW_FALLBACK = "gradient-x-input";

    /** A sample and one map of it as the canvas draws them; {@code key} is {@code s<sample>-m<map>}. */
    public record Picture(String key, String image, String map, int width, int height, int channels, InputFrame frame) {
    }

    /**
     * What the session shows. Calls come on the page's thread, except that work finished in the
     * background is handed to {@link #access}, which runs it there.
     */
    public interface Screen {

        void picture(Picture main);

        /** The second map side by side; null hides it. */
        void comparison(Picture other);

        void masks(byte[] relevant, byte[] shortcut);

        /** Nothing left to review: the canvas empties and the facts say why; a round's end links to the rounds page. */
        void done(String facts, boolean roundsPage);

        /** Where the session stands: the round and the sample's place in its batch, or the model and split shown. */
        void context(String text);

        /** The session now reviews another model version (after a round): the model list follows. */
        void switched(ModelVersion model);

        /** The expert's most recent verdicts under the model, newest first. */
        void history(List<Visit> recent);

        /** The address of the page follows the sample shown (a reload opens it again); null: none shown. */
        void address(Long sampleId);

        void facts(String text);

        /**
         * The top classes with their probabilities, the predicted class first, and when the prediction is
         * wrong a flag saying so ("Wrong: labelled Coat, predicted Pullover"); null when it is right.
         */
        void prediction(List<String> top, String wrong);

        /**
         * The map's quality: its deletion AUC, its method's sanity check, and a warning when the map
         * cannot be judged (no signal, or its worker failed its self-check); null when there is none.
         */
        void quality(String deletion, String sanity, String warning);

        /** The reliance line under the map: what hiding the marked region does to the decision. */
        void reliance(String text);

        void why(String text);

        void verdict(String mine, String comment);

        void progress(String text);

        void status(String text);

        /** A refusal the expert must notice. */
        void problem(String text);

        /** Runs the change on the page's thread (and pushes it), or drops it when the page is gone. */
        void access(Runnable change);

        /**
         * A table row's attributions as bars, largest |attribution| first, under a caption saying what they
         * are; {@code key} names the row and map drawn, as a {@link Picture}'s does.
         */
        default void row(String key, String caption, List<FeatureBars.Bar> bars) {
        }

        /** The row's bars again with the features marked now. */
        default void featureMarks(List<FeatureBars.Bar> bars) {
        }
    }

    /** One of the expert's recent verdicts, as the history list shows it. */
    public record Visit(long sampleId, String verdict, String method, OffsetDateTime at) {
    }

    private final DatasetService datasets;
    private final ModelService models;
    private final PredictionService predictions;
    private final SaliencyService saliency;
    private final SanityService sanity;
    private final ReviewService reviews;
    private final SchedulerService scheduler;
    private final RoundService rounds;
    private final ReviewBroadcaster broadcaster;
    private final ReviewBackground background;
    private final RelianceService reliance;
    private final MapsOfNext mapsOfNext;
    private final TrainingDistribution distribution;

    private Screen screen;
    /** Whether the project's samples are table rows: the review shows feature bars, marks are feature sets. */
    private boolean tabular;
    /** The current row's bars without marks, largest |attribution| first (empty for an image). */
    private List<FeatureBars.Bar> rowBars = List.of();
    /** The current row's dataset columns: what its feature sets are masks over. */
    private List<TableColumn> rowColumns = List.of();
    /** The features of the current row marked relevant and shortcut, as stored. */
    private Set<String> relevantFeatures = Set.of();
    private Set<String> shortcutFeatures = Set.of();
    private Project project;
    private Caller caller;
    private ModelVersion model;
    /** The split under review: test by default, train while a feedback round asks for reviews. */
    private String split = "test";
    private String method = "vanilla-gradient";
    private String second = NO_COMPARISON;
    /** Whether the expert chose the second map (then it stays as chosen, whatever the model). */
    private boolean secondChosen;
    private Sample current;
    private SaliencyMap currentMap;
    private Integer currentVersion;
    /** The expert's verdict on the map shown, if any (a new one changes it). */
    private String currentVerdict;
    private String reason = "";
    /** The canvas key last sent to the page: navigation keys naming another are dropped. */
    private String sentKey;
    private final Map<String, Integer> maskVersions = new HashMap<>();
    /** The shortcut mask the expert last painted on the current sample (null: none painted since it was shown). */
    private byte[] paintedShortcut;
    /** Whether the current sample has a stored, non-empty shortcut mask. */
    private boolean storedShortcut;
    private final List<Long> history = new ArrayList<>();
    private int position = -1;
    private Runnable unregister;
    /** The feedback round whose batch this session reviews; null when none asks for reviews. */
    private RoundService.Round round;
    /** The round's batch in queue order; empty when the round's queue is not ranked. */
    private List<Long> batch = List.of();
    /** What the session says about its model and split when no round is under review (e.g. after a round). */
    private String notice;
    /** The id of the round that asked for reviews when the session last looked (null: none did). */
    private Long roundSeen;

    ReviewSession(DatasetService datasets, ModelService models, PredictionService predictions, SaliencyService saliency,
                  SanityService sanity, ReviewService reviews, SchedulerService scheduler, RoundService rounds,
                  ReviewBroadcaster broadcaster, ReviewBackground background, RelianceService reliance,
                  MapsOfNext mapsOfNext, TrainingDistribution distribution) {
        this.distribution = distribution;
        this.datasets = datasets;
        this.models = models;
        this.predictions = predictions;
        this.saliency = saliency;
        this.sanity = sanity;
        this.reviews = reviews;
        this.scheduler = scheduler;
        this.rounds = rounds;
        this.broadcaster = broadcaster;
        this.background = background;
        this.reliance = reliance;
        this.mapsOfNext = mapsOfNext;
    }

    /**
     * Starts a session of the caller on the project: its model versions (empty: nothing to review),
     * the project's current one chosen, or the model of a feedback round that asks for reviews, whose training
     * samples are then reviewed. The history (← and the list of recent verdicts) starts with the
     * expert's verdicts stored under that model, so it survives a reload.
     */
    public List<ModelVersion> begin(Project project, Caller caller, Screen screen) {
        stopListening();
        this.project = project;
        this.caller = caller;
        this.screen = screen;
        split = "test";
        round = null;
        batch = List.of();
        notice = null;
        history.clear();
        position = -1;
        tabular = project.modality == Modality.TABULAR;
        if (tabular) {
            // where each value sits among the training rows, ready before the first row shows
            distribution.prepare(project.id);
        }
        List<ModelVersion> versions = models.list(project.id);
        if (versions.isEmpty()) {
            model = null;
            return versions;
        }
        followRound(versions, false);
        secondChosen = false;
        secondByDefault();
        if (tabular) {
            method = methods().stream().anyMatch(m -> m.method().equals(ROW_METHOD) && m.available()) ? ROW_METHOD
                    : ROW_FALLBACK;
        }
        seedHistory();
        return versions;
    }

    /**
     * Beside the gradient map of a version retrained with the "right for the right reasons"
     * penalty, a perturbation map by default (occlusion on a small image, else RISE): the penalty may have taught the
     * gradients to hide what the model still relies on, which replacing pixels cannot hide. Another
     * version goes back to none; once the expert chose the second map, it stays as chosen.
     */
    private void secondByDefault() {
        if (secondChosen || model == null || tabular) {
            return;
        }
        second = NO_COMPARISON;
        if (ModelService.trainedWithGradientPenalty(model)) {
            List<MethodAvailability> offered = saliency.methods(model);
            var spec = ModelService.specOf(model);
            boolean small = (long) spec.height() * spec.width() <= OCCLUSION_PIXELS;
            for (String name : PERTURBATION) {
                if (name.equals("occlusion") && !small) {
                    continue;
                }
                if (offered.stream().anyMatch(m -> m.method().equals(name) && m.available())) {
                    second = name;
                    return;
                }
            }
        }
    }

    /**
     * Puts the session on the round that asks for reviews (its model, the training split, its batch), or
     * else on the project's current model's test split with a word on the last round; says so when this changes what
     * the session showed. True when the model or split changed.
     */
    private boolean followRound(List<ModelVersion> versions, boolean announce) {
        ModelVersion before = model;
        String splitBefore = split;
        RoundService.Round was = round;
        Optional<RoundService.Round> open = reviewingRound();
        roundSeen = open.map(RoundService.Round::id).orElse(null);
        // the project's current version (not always the newest: a round's worse version is not made current)
        Long currentId = models.current(project.id).map(v -> v.id).orElse(null);
        ModelVersion projectModel = versions.stream().filter(v -> v.id.equals(currentId)).findFirst()
                .orElseGet(() -> versions.stream().max(Comparator.comparing(v -> v.id)).orElseThrow());
        if (open.isPresent()) {
            round = open.get();
            model = versions.stream().filter(v -> v.id == round.modelId()).findFirst().orElse(projectModel);
            split = "train";
            batch = batchOf(round);
            notice = null;
        } else {
            round = null;
            batch = List.of();
            model = projectModel;
            split = "test";
            notice = rounds.list(project.id).stream().max(Comparator.comparing(RoundService.Round::number))
                    .map(r -> afterRound(r, versions)).orElse(null);
        }
        boolean changed = before != null && (before.id != model.id.longValue() || !split.equals(splitBefore));
        if (announce && changed) {
            String now = "this session now shows " + label(model) + " on the " + split + " split (it showed "
                    + label(before) + " on the " + splitBefore + " split)";
            notice = was != null && round == null
                    ? "Round " + was.number() + " is " + stateInWords(rounds.find(project.id, was.number())
                            .map(RoundService.Round::state).orElse("over")) + ": " + now
                    : round != null ? "Round " + round.number() + " asks for reviews: " + now : capital(now);
            history.clear();
            position = -1;
            seedHistory();
            secondByDefault();
            screen.switched(model);
            screen.status(notice);
        }
        return changed;
    }

    private Optional<RoundService.Round> reviewingRound() {
        return rounds.open(project.id).filter(r -> r.state().equals("reviewing"));
    }

    private String afterRound(RoundService.Round r, List<ModelVersion> versions) {
        String shows = "this session shows " + label(model) + " on the test split";
        if (r.state().equals("done") && r.trainedModelId() != null) {
            String trained = versions.stream().filter(v -> v.id.equals(r.trainedModelId())).findFirst()
                    .map(ReviewSession::label).orElse("a new version");
            return "Round " + r.number() + " is done (it trained " + trained + "): " + shows;
        }
        return "Round " + r.number() + " is " + stateInWords(r.state()) + ": " + shows;
    }

    private static String stateInWords(String state) {
        return switch (state) {
            case "training" -> "training a new model";
            case "recomputing" -> "computing predictions and maps";
            case "failed" -> "failed";
            case "done" -> "done";
            default -> state;
        };
    }

    /** A model version as people read it: its name and version number ("fashion-cnn v2"), never its id. */
    static String label(ModelVersion v) {
        return v.label();
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private List<Long> batchOf(RoundService.Round r) {
        try {
            return scheduler.queue(project.id, r.modelId(), Strategy.parse(r.strategy()), r.batchSize()).stream()
                    .map(SchedulerService.QueueEntry::sampleId).toList();
        } catch (DomainError e) {
            return List.of();
        }
    }

    /** The expert's judged samples under the model, oldest first: ← goes back to the last of them. */
    private void seedHistory() {
        List<ReviewService.Review> recent = new ArrayList<>(reviews.recent(caller, project.id, model.id, HISTORY));
        Collections.reverse(recent);
        for (ReviewService.Review r : recent) {
            history.add(r.sampleId());
        }
        position = history.size() - 1;
    }

    /**
     * Shows the sample the address asks for (a sample id of this project), else the next in the queue; an
     * address naming no sample of this project says so and goes on with the queue.
     */
    public void start(String wanted) {
        if (wanted != null && !wanted.isBlank()) {
            Long start;
            try {
                start = Long.parseLong(wanted.strip());
            } catch (NumberFormatException e) {
                start = null;
            }
            String shown = wanted.length() > 40 ? wanted.substring(0, 40) + "…" : wanted;
            if (start == null) {
                screen.problem("The address asks for sample \"" + shown + "\", which is not a sample number; showing the "
                        + "next sample in the queue instead");
            } else if (datasets.sample(start).filter(s -> s.projectId.equals(project.id)).isEmpty()) {
                screen.problem("There is no sample " + start + " in this project; showing the next sample in the "
                        + "queue instead");
            } else {
                goTo(start, "opened from its link");
                return;
            }
        }
        nextFromQueue();
    }

    /** Shows a sample again (from the history list or a link): the expert may change a verdict or a mask there. */
    public void goTo(long sampleId) {
        goTo(sampleId, "reviewed by you earlier");
    }

    private void goTo(long sampleId, String why) {
        int at = history.lastIndexOf(sampleId);
        if (at >= 0) {
            position = at;
            show(sampleId, why);
        } else {
            open(sampleId, why);
        }
    }

    public ModelVersion model() {
        return model;
    }

    public String method() {
        return method;
    }

    public String second() {
        return second;
    }

    public String split() {
        return split;
    }

    /** The current sample's id, or null when none is shown. */
    public Long sampleId() {
        return current == null ? null : current.id;
    }

    /** The canvas key the page was last sent. */
    public String sentKey() {
        return sentKey;
    }

    /**
     * The attribution methods for the chosen model, each with why it cannot run on it: every registered
     * method, the familiar six in their review-page order and the others next to their registry neighbour.
     */
    public List<MethodAvailability> methods() {
        List<MethodAvailability> all = reviewOrder(saliency.methods(model));
        // a method made for images is not offered on rows at all
        return tabular ? all.stream().filter(MethodAvailability::available).toList() : all;
    }

    /** Whether the project's samples are table rows (the page shows feature bars instead of a picture). */
    public boolean tabular() {
        return tabular;
    }

    static List<MethodAvailability> reviewOrder(List<MethodAvailability> registry) {
        List<MethodAvailability> out = new ArrayList<>();
        for (String name : FAMILIAR) {
            registry.stream().filter(m -> m.method().equals(name)).findFirst().ifPresent(out::add);
        }
        for (int i = 0; i < registry.size(); i++) {
            MethodAvailability m = registry.get(i);
            if (FAMILIAR.contains(m.method())) {
                continue;
            }
            int at = out.size();
            if (i > 0) {
                String before = registry.get(i - 1).method();
                for (int j = 0; j < out.size(); j++) {
                    if (out.get(j).method().equals(before)) {
                        at = j + 1;
                    }
                }
            }
            out.add(at, m);
        }
        return out;
    }

    /** Another model version: the session starts over in its queue. */
    public void chooseModel(ModelVersion v) {
        model = v;
        secondByDefault();
        if (round != null && v.id != round.modelId()) {
            notice = "Round " + round.number() + " asks for reviews of the training samples under another version; "
                    + "this session shows " + label(v) + " on the test split (choose that version to go back to the round)";
            round = null;
            batch = List.of();
            split = "test";
        } else if (round == null) {
            notice = null;
            followRoundOf(v);
        }
        history.clear();
        position = -1;
        seedHistory();
        nextFromQueue();
    }

    /** Back on the model of the round that asks for reviews: the session reviews its batch again. */
    private void followRoundOf(ModelVersion v) {
        rounds.open(project.id).filter(r -> r.state().equals("reviewing") && r.modelId() == v.id).ifPresent(r -> {
            round = r;
            split = "train";
            batch = batchOf(r);
            notice = null;
        });
    }

    /** Another method: the current sample is shown again with its map. */
    public void chooseMethod(String name) {
        method = name;
        again();
    }

    /** Another map side by side ({@code none}: no second map). */
    public void chooseSecond(String name) {
        second = name == null ? NO_COMPARISON : name;
        secondChosen = true;
        again();
    }

    private void again() {
        if (current != null) {
            show(current.id, reason);
        }
    }

    /**
     * A key from the page, with the canvas key it had drawn when the key was pressed: a verdict judges
     * that map (see {@link #verdict}); undo, previous and next count only while the page shows what it
     * was last sent, so a key pressed while the next sample loads is dropped.
     */
    public void key(String action, String drawn, String comment) {
        if (project == null || action == null) {
            return;
        }
        switch (action) {
            case "accept", "reject", "unsure" -> verdict(action, drawn, comment);
            case "undo", "previous", "next" -> {
                if (sentKey == null || !sentKey.equals(drawn)) {
                    return;
                }
                if (action.equals("undo")) {
                    undo();
                } else if (action.equals("previous")) {
                    previous();
                } else {
                    forward();
                }
            }
            default -> { }
        }
    }

    /**
     * Judges the map shown, named by the key the page reported drawn ({@code s<sample>-m<map>}): a verdict
     * whose key names another map than the current one (sent before the page drew the sample now current)
     * is dropped, never moved onto a sample the expert did not see.
     */
    public void verdict(String verdict, String drawn, String comment) {
        if (current == null || currentMap == null) {
            return;
        }
        long shown = mapOf(drawn);
        if (shown != currentMap.id()) {
            screen.status("Not recorded: sample " + current.id + " was not drawn yet when the verdict was given");
            return;
        }
        try {
            ReviewService.Review r = reviews.verdict(caller, current.id, shown, verdict, comment, currentVersion);
            screen.status("Sample " + current.id + ": " + r.verdict().value()
                    + (currentVerdict == null ? "" : " (changed from " + currentVerdict + ")"));
            forward();
        } catch (DomainError e) {
            problem(e);
        }
    }

    /** The map id of a canvas key {@code s<sample>-m<map>}; -1 when the key names none. */
    static long mapOf(String key) {
        int at = key == null ? -1 : key.lastIndexOf("-m");
        if (at < 0 || !key.startsWith("s")) {
            return -1;
        }
        try {
            return Long.parseLong(key.substring(at + 2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Undoes the caller's last verdict in the project and shows that sample again. */
    public void undo() {
        try {
            Optional<ReviewService.Review> undone = reviews.undoLast(caller, project.id);
            if (undone.isEmpty()) {
                screen.status("No verdict of yours to undo");
                return;
            }
            long sample = undone.get().sampleId();
            int at = history.lastIndexOf(sample);
            if (at >= 0) {
                position = at;
            } else {
                history.add(sample);
                position = history.size() - 1;
            }
            show(sample, "your verdict on it was undone");
            screen.status("Undid your verdict (" + undone.get().verdict() + ") on sample " + sample);
        } catch (DomainError e) {
            problem(e);
        }
    }

    /** The sample before the one shown in the history (stored verdicts included, so also after a reload). */
    public void previous() {
        if (position > 0) {
            position--;
            show(history.get(position), "seen before");
        } else {
            screen.status("Nothing before this sample in your history");
        }
    }

    /** The next sample of this session's history, or else of the queue. */
    public void forward() {
        if (position >= 0 && position < history.size() - 1) {
            position++;
            show(history.get(position), "seen before");
        } else {
            nextFromQueue();
        }
    }

    private void nextFromQueue() {
        // a round that began or ended since the session last looked moves it (and it says so); a model the
        // expert chose stays chosen otherwise
        if (!Objects.equals(roundSeen, reviewingRound().map(RoundService.Round::id).orElse(null))) {
            followRound(models.list(project.id), true);
        }
        // skip every sample of this session: pressing Next without a verdict moves on instead of cycling
        Optional<Long> next = reviews.next(project.id, caller, model.id, split, List.copyOf(history));
        if (round != null && !batch.isEmpty() && (next.isEmpty() || !batch.contains(next.get()))) {
            next.ifPresent(n -> reviews.release(caller, n));
            int judged = reviews.judgedAmong(model.id, batch).size();
            finish(judged >= batch.size()
                    ? "Round " + round.number() + " is reviewed: all " + batch.size() + " samples of its batch have their "
                    + "verdicts. The session stops here; the round retrains the model on the rounds page."
                    : "Round " + round.number() + ": nothing left for you in its batch (" + judged + " of " + batch.size()
                    + " samples have their verdicts; the others are with other reviewers). The session stops here; "
                    + "see the rounds page.", true);
            return;
        }
        if (next.isEmpty()) {
            finish("Nothing left to review for " + label(model) + ": every " + split + " sample has its verdicts.", false);
            return;
        }
        open(next.get(), "next in the queue (by id: nobody has ranked the samples of " + label(model) + " yet)");
    }

    private void finish(String text, boolean roundsPage) {
        current = null;
        currentMap = null;
        sentKey = DONE;
        position = history.size();
        screen.done(text, roundsPage);
        screen.context(round != null && !batch.isEmpty() ? "Round " + round.number() + " · "
                + reviews.judgedAmong(model.id, batch).size() + " of " + batch.size() + " reviewed"
                : notice == null ? label(model) + " · " + split + " split" : notice);
        screen.history(visits());
        screen.address(null);
        refreshProgress();
    }

    private void open(long sampleId, String why) {
        history.add(sampleId);
        position = history.size() - 1;
        show(sampleId, why);
    }

    private void show(long sampleId, String why) {
        reason = why;
        ModelVersion v = model;
        Sample s = datasets.sample(sampleId).orElseThrow();
        current = s;
        try {
            currentMap = saliency.map(s.id, v.id, method, "predicted", Map.of(), false);
        } catch (DomainError e) {
            currentMap = null;
            problem(e);
            return;
        }
        // the map is handed to the expert: a verdict may judge it, and no map the page never had
        reviews.handOut(caller, s.id, currentMap.id());
        if (tabular) {
            showRow(s, v);
        } else {
            showPicture(s, v);
        }
        String label = s.label >= 0 && s.label < project.classNames.size() ? project.classNames.get(s.label) : "?";
        screen.facts("Sample " + s.id + " · label " + label + " · " + s.split);
        Prediction p = predictions.predict(s, v);
        screen.prediction(top(p, 3), p.predictedLabel() == s.label ? null
                : "Wrong: labelled " + label + ", predicted " + project.className(p.predictedLabel()));
        renderQuality(v, false);
        paintedShortcut = null;
        if (tabular) {
            screen.reliance("");
        } else if (s.shortcutX != null || storedShortcut) {
            relianceLater(s, v, null);
        } else {
            screen.reliance("No marked region on this sample: paint a shortcut and test it");
        }
        if (!currentMap.hasCurves()) {
            curvesLater(v, currentMap);
        }
        screen.context(context(s.id));
        screen.why(whyText(v, s.id, why));
        screen.address(s.id);
        Optional<ReviewService.Review> mine = reviews.mine(caller, currentMap.id());
        currentVersion = mine.map(ReviewService.Review::version).orElse(null);
        currentVerdict = mine.map(r -> r.verdict().value()).orElse(null);
        screen.verdict(mine.map(r -> "Your verdict: " + r.verdict().value() + " (A, R or U changes it)")
                        .orElse("No verdict yet"),
                mine.map(r -> r.comment() == null ? "" : r.comment()).orElse(""));
        screen.history(visits());
        refreshProgress();
    }

    private void showPicture(Sample s, ModelVersion v) {
        String image = "data:image/png;base64," + Base64.getEncoder().encodeToString(datasets.image(s.id));
        List<Integer> shape = currentMap.shape();
        InputFrame frame = models.spec(v).frameIn(s.width, s.height);
        Picture main = picture(s, currentMap, image, shape, frame);
        sentKey = main.key();
        screen.picture(main);
        Picture other = null;
        if (!NO_COMPARISON.equals(second)) {
            try {
                other = picture(s, saliency.map(s.id, v.id, second, "predicted", Map.of(), false), image, shape,
                        frame);
            } catch (DomainError e) {
                other = null;
            }
        }
        screen.comparison(other);
        // the key that moves on finds the next samples' maps ready
        mapsOfNext.prepare(project.id, caller, v.id, split, List.copyOf(history),
                NO_COMPARISON.equals(second) ? List.of(method) : List.of(method, second));
        showMasks(s);
    }

    /**
     * A table row: its map's attributions as bars, one per feature of the model (a categorical column's
     * one-hot columns summed), each with the row's value and where it sits among the training rows.
     */
    private void showRow(Sample s, ModelVersion v) {
        Map<String, Object> values = datasets.tableRows(List.of(s)).getOrDefault(s.id, Map.of());
        Map<String, String> standing = distribution.standing(project.id, values);
        List<String> names = currentMap.features() == null ? List.of() : currentMap.features();
        float[] a = currentMap.values();
        List<FeatureBars.Bar> bars = new ArrayList<>();
        for (int i = 0; i < names.size() && i < a.length; i++) {
            String name = names.get(i);
            bars.add(new FeatureBars.Bar(name, valueText(values.get(name)), standing.get(name), a[i], null));
        }
        bars.sort(Comparator.comparingDouble((FeatureBars.Bar b) -> -Math.abs(b.attribution())));
        rowBars = List.copyOf(bars);
        rowColumns = reviews.rowColumns(s.id).orElse(List.of());
        sentKey = "s" + s.id + "-m" + currentMap.id();
        String params = currentMap.params().isEmpty() ? "" : " (" + new TreeMap<>(currentMap.params()).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
        screen.row(sentKey, "Attributions to " + currentMap.targetName() + " · " + currentMap.method() + params + " · "
                + label(v) + "\nOrange pushes towards " + currentMap.targetName() + ", blue away from it. Click a feature "
                + "to mark it as the kind under Mark; shift-click marks several; click a marked one to unmark it.", rowBars);
        showFeatureMarks(s);
    }

    /** A row's value as the expert reads it: a number with up to 4 significant digits, a category, yes/no. */
    static String valueText(Object value) {
        if (value == null) {
            return "missing";
        }
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e9) {
                return String.format(Locale.US, "%d", (long) d);
            }
            return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** The row's stored feature sets, with the versions a save is checked against. */
    private void showFeatureMarks(Sample s) {
        maskVersions.clear();
        Set<String> relevant = new LinkedHashSet<>();
        Set<String> shortcut = new LinkedHashSet<>();
        for (ReviewService.Annotation a : reviews.annotations(s.id)) {
            maskVersions.put(a.kind(), a.version());
            if (a.mask().length == rowColumns.size()) {
                (a.kind().equals("relevant") ? relevant : shortcut).addAll(ReviewService.features(rowColumns, a));
            }
        }
        relevantFeatures = relevant;
        shortcutFeatures = shortcut;
        storedShortcut = !shortcut.isEmpty();
        screen.featureMarks(markedBars());
    }

    private List<FeatureBars.Bar> markedBars() {
        return rowBars.stream().map(b -> new FeatureBars.Bar(b.feature(), b.value(), b.standing(), b.attribution(),
                shortcutFeatures.contains(b.feature()) ? "shortcut" : relevantFeatures.contains(b.feature())
                        ? "relevant" : null)).toList();
    }

    /**
     * The expert clicked a feature's bar with a mark kind chosen: a marked feature of that kind is
     * unmarked; otherwise it becomes the one feature of that kind ({@code add}: shift held, it joins
     * those marked), and leaves the other kind. Saved at once, each changed set against the version
     * loaded, as a painted mask is ({@link FeatureSet#mask}).
     */
    public void markFeature(String feature, boolean add, String kind) {
        if (current == null || !tabular || feature == null) {
            return;
        }
        boolean shortcut = "shortcut".equals(kind);
        Set<String> mine = new LinkedHashSet<>(shortcut ? shortcutFeatures : relevantFeatures);
        Set<String> other = new LinkedHashSet<>(shortcut ? relevantFeatures : shortcutFeatures);
        String did;
        if (mine.contains(feature)) {
            mine.remove(feature);
            did = "Unmarked " + feature;
        } else {
            if (!add) {
                mine.clear();
            }
            mine.add(feature);
            other.remove(feature);
            did = "Marked " + String.join(", ", mine) + " as " + (shortcut ? "shortcut" : "relevant");
        }
        saveFeatures(shortcut ? other : mine, shortcut ? mine : other, did);
    }

    /** Clears the current row's feature sets (both kinds). */
    public void clearFeatures() {
        if (current != null && tabular) {
            saveFeatures(Set.of(), Set.of(), "Cleared the marked features");
        }
    }

    /** Saves the kinds of feature set that changed in one service call: both are stored, or neither. */
    private void saveFeatures(Set<String> relevant, Set<String> shortcut, String did) {
        try {
            List<ReviewService.FeatureSetChange> changes = new ArrayList<>();
            for (String kind : ReviewService.KINDS) {
                Set<String> now = kind.equals("relevant") ? relevant : shortcut;
                Set<String> was = kind.equals("relevant") ? relevantFeatures : shortcutFeatures;
                int had = maskVersions.getOrDefault(kind, 0);
                if (!now.equals(was) || (had == 0 && !now.isEmpty())) {
                    changes.add(new ReviewService.FeatureSetChange(kind, List.copyOf(now), had));
                }
            }
            Map<String, ReviewService.Annotation> saved = reviews.annotateFeatureSets(caller, current.id, changes);
            for (ReviewService.FeatureSetChange c : changes) {
                ReviewService.Annotation a = saved.get(c.kind());
                maskVersions.put(c.kind(), a == null ? 0 : a.version());
                if (c.kind().equals("relevant")) {
                    relevantFeatures = Set.copyOf(relevant);
                } else {
                    shortcutFeatures = Set.copyOf(shortcut);
                }
            }
            storedShortcut = !shortcutFeatures.isEmpty();
            screen.featureMarks(markedBars());
            screen.status(did + " (saved)");
        } catch (DomainError e) {
            screen.featureMarks(markedBars());
            problem(e);
        }
    }

    /**
     * Why the sample is shown, in words: its place in the ranked queue, or how the expert got here. Built
     * afresh each time from the unchanging {@code origin}, so showing it again (another method) never repeats it.
     */
    private String whyText(ModelVersion v, long sampleId, String origin) {
        Optional<SchedulerService.Reason> ranked = scheduler.why(project.id, v.id, sampleId);
        if (ranked.isEmpty()) {
            return capital(origin) + ".";
        }
        String words = WhyThisSample.ranked(ranked.get(), tabular);
        return origin.startsWith("next in the queue") ? words : capital(origin) + ". " + words;
    }

    /** "Round 1 · 9 of 20": the sample's place in the round's batch; outside a round, the model and split shown. */
    private String context(long sampleId) {
        if (round == null) {
            return notice == null ? label(model) + " · " + split + " split" : notice;
        }
        int place = batch.indexOf(sampleId);
        String head = "Round " + round.number() + " · ";
        if (batch.isEmpty()) {
            return head + label(model) + " · " + split + " split";
        }
        int judged = reviews.judgedAmong(model.id, batch).size();
        return head + (place >= 0 ? (place + 1) + " of " + batch.size() : "not in the batch of " + batch.size())
                + " · " + judged + " reviewed";
    }

    private List<Visit> visits() {
        return reviews.recent(caller, project.id, model.id, HISTORY).stream()
                .map(r -> new Visit(r.sampleId(), r.verdict().value(), r.method(), r.updatedAt())).toList();
    }

    /** The map's picture, in the main map's shape (the maps of one sample and model share it). */
    private static Picture picture(Sample s, SaliencyMap m, String image, List<Integer> shape, InputFrame frame) {
        return new Picture("s" + s.id + "-m" + m.id(), image,
                Base64.getEncoder().encodeToString(MapEncoding.encode(m.values())), shape.get(2), shape.get(1),
                shape.get(0), frame);
    }

    private void showMasks(Sample s) {
        byte[] relevant = null;
        byte[] shortcut = null;
        maskVersions.clear();
        for (ReviewService.Annotation a : reviews.annotations(s.id)) {
            maskVersions.put(a.kind(), a.version());
            if (a.kind().equals("relevant")) {
                relevant = a.mask();
            } else {
                shortcut = a.mask();
            }
        }
        storedShortcut = shortcut != null && !allZero(shortcut);
        screen.masks(relevant == null ? new byte[0] : relevant, shortcut == null ? new byte[0] : shortcut);
    }

    private List<String> top(Prediction p, int n) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < p.probabilities().size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> p.probabilities().get(i)).reversed());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < Math.min(n, order.size()); i++) {
            int c = order.get(i);
            lines.add(String.format(Locale.US, "%s %.1f %%", project.className(c), 100 * p.probabilities().get(c)));
        }
        return lines;
    }

    private void renderQuality(ModelVersion v, boolean busy) {
        Double deletion = currentMap.metrics().get("deletionAuc");
        String auc = deletion != null
                ? String.format(Locale.US, "deletion AUC %.3f (lower: the map finds what the model uses)", deletion)
                : busy ? "deletion AUC: not computed now (the server is busy or the model failed); it is when the sample is shown again"
                : "deletion AUC: computing…";
        String check = sanity.stored(v.id).stream().filter(r -> r.method().equals(currentMap.method())).findFirst()
                .map(r -> r.inconclusive() ? "sanity check inconclusive: " + r.noSignal()
                        : r.passed() ? "sanity check passed"
                        : "sanity check FAILED: the map barely changes when the model is randomised")
                .orElse("sanity check not run for this method");
        screen.quality(auc, check, warning(currentMap));
    }

    /** Why a map cannot be judged as it is, in words; null when it can. */
    static String warning(SaliencyMap map) {
        List<String> parts = new ArrayList<>();
        if (map.noSignal() != null) {
            parts.add("This map has no signal: " + map.noSignal() + ". It points at nothing; judge this sample by "
                    + "another method (occlusion, say).");
        }
        if (map.selfCheck() != null) {
            parts.add("This map may be wrong: " + map.selfCheck() + ". Judge this sample by another method "
                    + "(occlusion, say), and tell the project's engineer: the worker that computed it stopped.");
        }
        return parts.isEmpty() ? null : String.join(" ", parts);
    }

    /**
     * The deletion/insertion curves cost 58 forward passes: the map shows first, and the numbers follow by push
     * when the background has computed them (or a word that the server was too busy to queue them).
     */
    private void curvesLater(ModelVersion v, SaliencyMap shown) {
        long mapId = shown.id();
        saliency.withCurves(shown).whenComplete((full, failure) -> screen.access(() -> {
            if (currentMap == null || currentMap.id() != mapId) {
                return;
            }
            if (full != null) {
                currentMap = full;
            }
            renderQuality(v, failure != null);
        }));
    }

    /**
     * Tests the region the expert has just painted as a shortcut (else the sample's stored shortcut
     * mask and known shortcut) in the background; the line under the map follows by push.
     */
    public void testPaintedRegion() {
        Sample s = current;
        if (s == null) {
            return;
        }
        byte[] painted = paintedShortcut;
        if ((painted == null || allZero(painted)) && s.shortcutX == null && !storedShortcut) {
            screen.reliance("Paint a shortcut region first (mask kind: shortcut), then test it");
            return;
        }
        relianceLater(s, model, painted == null || allZero(painted) ? null : painted);
    }

    /** Reliance costs about a dozen forward passes: the sample shows first, the line follows by push. */
    private void relianceLater(Sample s, ModelVersion v, byte[] mask) {
        screen.reliance("Testing the marked region…");
        long sampleId = s.id;
        boolean queued = background.run(() -> {
            String text;
            try {
                List<RelianceService.SampleReliance> found = mask == null
                        ? reliance.ofMarkedRegions(sampleId, v.id, null, null)
                        : List.of(reliance.ofMask(sampleId, v.id, mask, null, null));
                text = relianceText(found);
            } catch (DomainError e) {
                text = "Reliance not measured: " + e.getMessage();
            } catch (RuntimeException e) {
                text = "Reliance not measured: the model could not be run";
            }
            String shown = text;
            screen.access(() -> {
                if (current != null && current.id == sampleId) {
                    screen.reliance(shown);
                }
            });
        });
        if (!queued) {
            screen.reliance("Reliance not measured now (the server is busy); press Test region to try again");
        }
    }

    /**
     * "Hiding the painted shortcut mask flips the decision in 7 of 8 draws (probability 0.97 → 0.12)";
     * without images of other classes to paste from, what hiding the region with the dataset's mean
     * image did: "Hiding the painted region with the mean image changes the decision (Coat, probability
     * 0.97 → 0.12)" or "does not change the decision".
     */
    static String relianceText(List<RelianceService.SampleReliance> found) {
        List<String> lines = new ArrayList<>();
        for (RelianceService.SampleReliance r : found) {
            String what = r.region().equals(RelianceService.GIVEN) ? "the painted region" : "the " + r.region();
            RegionReliance.Figures f = r.of(RegionReliance.OTHER_CLASSES);
            if (f != null) {
                lines.add(String.format(Locale.US, "Hiding %s flips the decision (%s) in %d of %d draws (probability "
                        + "%.2f → %.2f)", what, r.targetName(), f.flips(), f.draws(), f.before(), f.after()));
                continue;
            }
            RegionReliance.Figures mean = r.of(RegionReliance.MEAN);
            f = mean != null ? mean : r.figures().get(0);
            String with = mean != null ? "the mean image" : "a blurred copy of the image";
            lines.add(String.format(Locale.US, "Hiding %s with %s %s the decision (%s, probability %.2f → %.2f, a drop "
                    + "of %.2f; no image of another class to paste from)", what, with,
                    f.flips() > 0 ? "changes" : "does not change", r.targetName(), f.before(), f.after(),
                    // a drop that rounds to nothing is 0.00, never "-0.00"
                    Math.abs(f.drop()) < 0.005 ? 0.0 : f.drop()));
        }
        return String.join(" · ", lines);
    }

    /**
     * Saves the painted masks of the current sample, each against the version the expert loaded. A mask
     * with nothing set (cleared) is stored at the image's own size, whatever size the page sent it at (the
     * page may still hold the map's grid or the last image's while the image loads); one never painted is
     * not stored.
     */
    public void saveMasks(byte[] relevant, byte[] shortcut) {
        if (current == null) {
            return;
        }
        paintedShortcut = shortcut.length == 0 ? null : shortcut.clone();
        try {
            for (String kind : ReviewService.KINDS) {
                byte[] mask = kind.equals("relevant") ? relevant : shortcut;
                int had = maskVersions.getOrDefault(kind, 0);
                boolean empty = mask == null || allZero(mask);
                if (empty && had == 0) {
                    continue;
                }
                byte[] full = empty ? new byte[current.width * current.height] : mask;
                Optional<ReviewService.Annotation> saved = reviews.annotate(caller, current.id, kind, full, had);
                maskVersions.put(kind, saved.map(ReviewService.Annotation::version).orElse(0));
            }
            screen.status("Masks saved");
        } catch (DomainError e) {
            problem(e);
        }
    }

    private static boolean allZero(byte[] mask) {
        for (byte b : mask) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A refusal as the expert reads it: what was refused and why, in the services' words ("Sample taken:
     * Sample 12 is being reviewed by ana (...); take the next one"), never a status code or class name.
     */
    static String readable(DomainError e) {
        String text = e.describe();
        return text == null || text.isBlank() ? "The request was refused" : text;
    }

    private void problem(DomainError e) {
        screen.problem(readable(e));
    }

    /** The counts of the project's review under the chosen model. */
    public void refreshProgress() {
        ReviewService.Progress pr = reviews.progress(project.id, caller, model.id, split);
        screen.progress(String.format(Locale.US, "you %,d · everyone %,d of %,d %s samples · %,d verdicts · %d reserved now",
                pr.reviewedByMe(), pr.reviewedByAnyone(), pr.samples(), split, pr.verdicts(), pr.reservedNow()));
    }

    /**
     * Follows everyone's verdicts on the project: the counts refresh at most once a second (coalesced: with
     * many reviewers, changes arrive faster than a page should redraw its counts).
     */
    public void listen() {
        stopListening();
        if (project == null || model == null) {
            return;
        }
        long projectId = project.id;
        AtomicBoolean pending = new AtomicBoolean();
        unregister = broadcaster.register(projectId, change -> {
            if (pending.compareAndSet(false, true)) {
                background.after(COALESCE, () -> {
                    pending.set(false);
                    screen.access(() -> {
                        if (project != null && project.id == projectId && model != null) {
                            refreshProgress();
                        }
                    });
                }, () -> pending.set(false));
            }
        });
    }

    /** Stops following the project's verdicts (the page closed). */
    public void stopListening() {
        if (unregister != null) {
            unregister.run();
            unregister = null;
        }
    }
}
