package org.rationale.ui.scheduler;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import org.rationale.error.Conflict;
import org.rationale.error.DomainError;
import org.rationale.model.Feedback;
import org.rationale.model.ModelService;
import org.rationale.model.RowFeedback;
import org.rationale.model.ModelVersion;
import org.rationale.model.TrainingRequest;
import org.rationale.config.RationaleConfig;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.report.LearningCurves;
import org.rationale.scheduler.RoundService;
import org.rationale.scheduler.SchedulerService;
import org.rationale.scheduler.Strategy;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.ScoreBreakdown;
import org.rationale.ui.Routes;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The feedback loop of a project: the scheduler's queue with each sample's score breakdown, the
 * rounds so far with their learning curves (test accuracy and attribution on known shortcuts
 * against reviewed samples), and the buttons that start the next round and retrain after the
 * reviews. Refreshes itself while a round is open.
 */
@Route(value = Routes.ROUNDS, layout = MainLayout.class)
@PageTitle("Rounds · Rationale")
@PermitAll
public class RoundsView extends VerticalLayout implements BeforeEnterObserver {

    private final ProjectService projects;
    private final RoundService rounds;
    private final SchedulerService scheduler;
    private final ModelService models;
    private final LearningCurves curves;
    private final Access access;
    private Project project;
    private final Grid<RoundService.Round> roundGrid = new Grid<>();
    private final Grid<SchedulerService.QueueEntry> queueGrid = new Grid<>();
    private final HorizontalLayout plots = new HorizontalLayout();
    private final Paragraph status = new Paragraph();
    private final Paragraph currentModel = new Paragraph();
    private final RationaleConfig config;
    private final Select<String> queueStrategy = new Select<>();
    private final Button retrain = new Button("Retrain with the feedback", VaadinIcon.REFRESH.create());
    private final Button start = new Button("Start next round", VaadinIcon.PLAY.create());
    private final Paragraph retrainNote = new Paragraph();
    private final Paragraph queueNote = new Paragraph();
    private String lastState = "";
    private Registration polling;

    @Inject
    public RoundsView(ProjectService projects, RoundService rounds, SchedulerService scheduler, ModelService models,
                      LearningCurves curves, Access access, RationaleConfig config) {
        this.projects = projects;
        this.rounds = rounds;
        this.scheduler = scheduler;
        this.models = models;
        this.curves = curves;
        this.access = access;
        this.config = config;
        addClassName("rounds-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        project = ProjectRoute.enter(event, projects, access, this, "Feedback rounds").orElse(null);
        if (project == null) {
            return;
        }
        boolean engineer = access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false);
        status.setId("round-status");
        currentModel.setId("current-model");
        add(status, currentModel);
        if (engineer) {
            add(startForm());
        }
        add(new H3("Rounds"));
        roundGrid.addColumn(RoundService.Round::number).setHeader("#").setAutoWidth(true);
        roundGrid.addColumn(RoundService.Round::strategy).setHeader("Strategy");
        roundGrid.addColumn(r -> r.feedback() + (r.feedback().equals("rrr") || r.feedback().equals("both")
                ? String.format(Locale.US, " λ=%.0f", r.lambda()) : "")).setHeader("Feedback");
        roundGrid.addColumn(RoundService.Round::state).setHeader("State");
        roundGrid.addColumn(r -> label(r.modelId()) + (r.trainedModelId() == null ? ""
                : " → " + label(r.trainedModelId()))).setHeader("Model");
        roundGrid.addColumn(r -> counts(r).reviewed()).setHeader("Reviewed (train)").setAutoWidth(true)
                .setTooltipGenerator(r -> "Training samples judged under the round's model while it ran; verdicts on "
                        + "test samples and from earlier rounds do not count");
        roundGrid.addColumn(r -> counts(r).masks()).setHeader(w("Shortcut masks", "Shortcut sets")).setAutoWidth(true)
                .setTooltipGenerator(r -> w("Of the round's reviewed samples, those with a painted shortcut mask",
                        "Of the round's reviewed rows, those with features marked as a shortcut"));
        roundGrid.addColumn(r -> r.testAccuracy() == null ? "—" : (r.parentAccuracy() == null ? ""
                        : percent(r.parentAccuracy()) + " → ") + percent(r.testAccuracy()))
                .setHeader("Test accuracy").setAutoWidth(true)
                .setTooltipGenerator(r -> "The parent's test accuracy (measured with the new version's) → the new version's");
        roundGrid.addColumn(r -> r.controlAccuracies() == null || r.controlAccuracies().isEmpty() ? "—"
                        : String.join(", ", r.controlAccuracies().stream().map(RoundsView::percent).toList())
                        + (r.retrainingSpread() == null ? "" : String.format(Locale.US, " (±%.1f)", 100 * r.retrainingSpread())))
                .setHeader("Retraining alone").setAutoWidth(true)
                .setTooltipGenerator(r -> "Controls: the same retraining without the round's new masks (the first with "
                        + "the same seed); ± is how far retraining alone moved the parent's accuracy");
        roundGrid.addComponentColumn(this::verdictCell).setHeader("Verdict").setWidth("22em").setFlexGrow(0);
        roundGrid.addColumn(r -> r.shortcutMass() == null ? "—" : String.format(Locale.US, "%.3f", r.shortcutMass()))
                .setHeader("Shortcut mass");
        roundGrid.addColumn(RoundsView::reliance).setHeader("Reliance").setAutoWidth(true)
                .setTooltipGenerator(r -> "Reliance of the trained model on the marked " + w("regions", "features") + ", by intervention: how "
                        + "often its decision flips, and how much probability it loses, when " + w("a marked region is "
                        + "pasted from images of other classes", "the marked features take the values of training rows of other "
                        + "classes") + " (over " + (r.relianceRegions() == null ? "the"
                        : r.relianceRegions()) + " regions). Unlike the shortcut mass, gradient masking cannot hide it.");
        roundGrid.addColumn(r -> r.error() == null ? "" : r.error()).setHeader("Error");
        roundGrid.setAllRowsVisible(true);
        roundGrid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        roundGrid.setId("round-grid");
        roundGrid.setEmptyStateText("No round yet. A round ranks the training samples by a strategy, experts review "
                + "the first ones and " + w("paint shortcut masks", "mark shortcut features") + ", then the model is retrained with that feedback; each "
                + "round shows here with its counts and test accuracy.");
        add(roundGrid, plots);
        if (engineer) {
            retrain.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            retrain.setId("retrain-button");
            retrain.addClickListener(e -> confirmRetrain());
            retrainNote.setId("retrain-note");
            retrainNote.addClassName("empty-note");
            add(retrain, retrainNote);
        }
        add(new H3("Review queue"));
        queueStrategy.setLabel("Order by");
        queueStrategy.setItems(Arrays.stream(Strategy.values()).map(Strategy::value).toList());
        queueStrategy.setValue(scheduler.settings(project.id).strategy().value());
        queueStrategy.setId("queue-strategy");
        queueStrategy.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                rankIfNeverRanked();
            }
            refreshQueue();
        });
        add(queueStrategy);
        queueGrid.addColumn(q -> q.position() + 1).setHeader("#").setAutoWidth(true).setFlexGrow(0);
        queueGrid.addColumn(SchedulerService.QueueEntry::sampleId).setHeader("Sample").setAutoWidth(true).setFlexGrow(0);
        queueGrid.addColumn(q -> String.format(Locale.US, "%.3f", q.score())).setHeader("Score").setAutoWidth(true).setFlexGrow(0);
        queueGrid.addColumn(q -> breakdown(q.components())).setHeader("Why").setFlexGrow(1);
        queueGrid.setAllRowsVisible(true);
        queueGrid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        queueGrid.setId("queue-grid");
        queueNote.setId("queue-note");
        queueNote.addClassName("empty-note");
        add(queueNote, queueGrid);
        refresh();
        refreshQueue();
    }

    private HorizontalLayout startForm() {
        Select<String> strategy = new Select<>();
        strategy.setLabel("Strategy");
        strategy.setItems(Arrays.stream(Strategy.values()).map(Strategy::value).toList());
        strategy.setValue(scheduler.settings(project.id).strategy().value());
        strategy.setId("round-strategy");
        IntegerField batch = new IntegerField("Batch");
        batch.setValue(20);
        batch.setMin(1);
        batch.setMax(1000);
        batch.setStepButtonsVisible(true);
        batch.setId("round-batch");
        Select<String> feedback = new Select<>();
        feedback.setLabel("Feedback");
        feedback.setItems("rrr", "counterexamples", "both", "none");
        feedback.setValue("rrr");
        feedback.setId("round-feedback");
        NumberField lambda = new NumberField("λ (RRR)");
        // rows: the marked features are held against every training row, where the images' λ is far too strong
        lambda.setValue(tabular() ? RowFeedback.DEFAULT_LAMBDA : Feedback.DEFAULT_LAMBDA);
        lambda.setMin(0);
        lambda.setId("round-lambda");
        IntegerField epochs = new IntegerField("Epochs");
        // the platform's MLP of rows learns little in two epochs; a round's CNN retraining takes minutes an epoch
        epochs.setValue(tabular() ? TrainingRequest.ROW_EPOCHS : 2);
        epochs.setMin(1);
        epochs.setMax(20);
        epochs.setId("round-epochs");
        IntegerField controls = new IntegerField("Controls");
        controls.setValue(config.rounds().controls());
        controls.setMin(0);
        controls.setMax(TrainingRequest.MAX_CONTROLS);
        controls.setStepButtonsVisible(true);
        controls.setHelperText("each one more training");
        controls.setId("round-controls");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.setId("start-round");
        start.addClickListener(e -> act(() -> {
            RoundService.Round r = rounds.start(project.id, access.caller(), new RoundService.StartRequest(
                    strategy.getValue(), batch.getValue(), feedback.getValue(), lambda.getValue(), epochs.getValue(), null,
                    controls.getValue()));
            queueStrategy.setValue(r.strategy());
            Notification.show("Round " + r.number() + " started: computing maps for the candidates", 3000,
                    Notification.Position.BOTTOM_START);
        }));
        HorizontalLayout form = new HorizontalLayout(strategy, batch, feedback, lambda, epochs, controls, start);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        form.setWrap(true);
        return form;
    }

    /** Runs an action of the page; a refused request becomes a message a person understands. */
    private void act(Runnable action) {
        try {
            action.run();
        } catch (DomainError e) {
            Notification n = Notification.show(e.describe(), 6000,
                    Notification.Position.MIDDLE);
            n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
        refresh();
        refreshQueue();
    }

    private void refresh() {
        if (project == null) {
            return;
        }
        List<RoundService.Round> all = rounds.list(project.id);
        roundGrid.setItems(all);
        currentModel.setText(models.current(project.id).map(v -> "The project's model: " + v.name + " v" + v.version
                + " (the one reviewed, ranked and reported by default; a round's version becomes it only when it is "
                + "not worse than its parent).").orElse("The project has no model yet."));
        RoundService.Round open = all.stream().filter(r -> List.of("reviewing", "training", "recomputing").contains(r.state()))
                .findFirst().orElse(null);
        status.setText(open == null ? (all.isEmpty() ? "No round yet: start one to pick the samples experts see first."
                : "Round " + all.get(all.size() - 1).number() + " is " + all.get(all.size() - 1).state() + "."
                + verdictLine(all.get(all.size() - 1)))
                : switch (open.state()) {
                    case "recomputing" -> "Round " + open.number() + ": the workers compute predictions and maps…";
                    case "reviewing" -> "Round " + open.number() + ": experts review the queue (" + open.batchSize()
                            + " samples asked), then retrain.";
                    default -> "Round " + open.number() + ": training the next model version…";
                });
        boolean reviewing = open != null && open.state().equals("reviewing");
        retrain.setEnabled(reviewing);
        if (reviewing) {
            RoundService.Progress so = rounds.progress(open);
            retrainNote.setText("Round " + open.number() + " so far: " + so.reviewed() + " training sample"
                    + (so.reviewed() == 1 ? "" : "s") + " reviewed, " + so.masks() + " with " + w("a shortcut mask", "shortcut features marked")
                    + ". " + (so.masks() == 0 ? "Without " + w("a mask", "a mark") + ", retraining trains a new version on the same "
                    + "data with no correction from the experts." : w("Retraining penalises the model's attention on the masked areas.",
                    "Retraining holds the features marked against every training row, not only the rows marked: "
                    + "a shortcut feature is one the model must not lean on anywhere.")));
        } else {
            retrainNote.setText(open == null ? "Retraining becomes possible once a round's samples are being reviewed."
                    : "Round " + open.number() + " is " + open.state() + "; retraining waits for it.");
        }
        start.setEnabled(open == null);
        plots.removeAll();
        for (LearningCurves.Curve c : curves.of(all)) {
            plots.add(plot(c));
        }
        String state = open == null ? "closed" : open.state();
        if (!state.equals(lastState)) {
            lastState = state;
            refreshQueue();
        }
        getUI().ifPresent(ui -> ui.setPollInterval(open == null || open.state().equals("reviewing") ? -1 : 2000));
    }

    private Image plot(LearningCurves.Curve curve) {
        byte[] png = curve.png(project.name, 520, 300);
        Image img = new Image(new StreamResource(curve.id() + "-" + System.nanoTime() + ".png",
                () -> new ByteArrayInputStream(png)), curve.title());
        img.setId("plot-" + curve.id());
        return img;
    }

    private void refreshQueue() {
        if (project == null) {
            return;
        }
        var model = models.current(project.id);
        if (model.isEmpty()) {
            queueGrid.setItems(List.of());
            queueGrid.setVisible(false);
            queueNote.setText("No queue yet: the project has no model. The queue ranks training samples by what a "
                    + "model predicts and where its maps look; upload or train a model first.");
            return;
        }
        ModelVersion v = model.get();
        SchedulerService.Evidence evidence = scheduler.evidence(project.id, v.id);
        List<SchedulerService.QueueEntry> entries;
        try {
            entries = scheduler.queue(project.id, v.id, Strategy.parse(queueStrategy.getValue()), 20);
        } catch (DomainError e) {
            entries = List.of();
        }
        queueGrid.setItems(entries);
        queueGrid.setVisible(!entries.isEmpty());
        queueNote.setText(queueNote(v, evidence, entries));
    }

    /**
     * Why the queue is empty or what its scores rest on: before the first ranking, which evidence is
     * missing and what fills it; with scores all 0, that they are 0 for want of it.
     */
    private String queueNote(ModelVersion v, SchedulerService.Evidence e, List<SchedulerService.QueueEntry> entries) {
        if (e.candidates() == 0) {
            return "No queue: the project has no training samples to rank. Import a training split first.";
        }
        List<String> missing = new ArrayList<>();
        if (e.predicted() == 0) {
            missing.add("no predictions yet");
        }
        if (e.mapped() == 0) {
            missing.add("no " + e.method() + " maps yet");
        }
        if (e.shortcutMasks() == 0) {
            missing.add(w("no shortcut masks painted yet", "no shortcut features marked yet"));
        }
        String have = String.format(Locale.US, "Evidence under %s v%d: %,d candidates, %,d with a prediction, %,d with "
                + "a %s map; %,d " + w("shortcut mask%s painted", "shortcut feature set%s marked") + " in the project.", v.name, v.version, e.candidates(),
                e.predicted(), e.mapped(), e.method(), e.shortcutMasks(), e.shortcutMasks() == 1 ? "" : "s");
        if (entries.isEmpty()) {
            return "Not ranked yet. " + have + (missing.isEmpty() ? "" : " Missing: " + String.join(", ", missing) + ".")
                    + " Starting a round computes the predictions and maps of the candidates, then ranks them; "
                    + w("masks", "marks") + " come from the experts' reviews.";
        }
        boolean allZero = entries.stream().allMatch(q -> q.score() == 0);
        if (allZero) {
            return "Every score is 0 because the evidence they rest on is missing (" + String.join(", ", missing)
                    + "). " + have + " A round or a saliency job computes predictions and maps; experts " + w("paint masks", "mark features") + " "
                    + "while reviewing. Until then the order carries no information.";
        }
        return have;
    }

    /**
     * An engineer who picks a strategy whose queue was never ranked ranks it (an explicit action,
     * audited); the page's own refreshes only read.
     */
    private void rankIfNeverRanked() {
        var model = models.current(project.id);
        if (model.isEmpty() || !access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false)) {
            return;
        }
        Strategy strategy = Strategy.parse(queueStrategy.getValue());
        try {
            scheduler.queue(project.id, model.get().id, strategy, 1);
        } catch (DomainError e) {
            if (e instanceof Conflict) {
                scheduler.rerank(project.id, model.get().id, strategy, scheduler.settings(project.id).weights(), 20, 20);
            }
        }
    }

    /** Asks before retraining, with what the round's reviews give (and what retraining without a mask means). */
    private void confirmRetrain() {
        RoundService.Round open = rounds.open(project.id).orElse(null);
        if (open == null || !open.state().equals("reviewing")) {
            refresh();
            return;
        }
        RoundService.Progress so = rounds.progress(open);
        Dialog d = new Dialog();
        d.setHeaderTitle("Retrain after round " + open.number() + "?");
        Paragraph what = new Paragraph("Round " + open.number() + " reviewed " + so.reviewed() + " training sample"
                + (so.reviewed() == 1 ? "" : "s") + " of " + label(open.modelId()) + "; " + so.masks()
                + (so.masks() == 1 ? " has" : " have") + w(" a shortcut mask", " shortcut features marked") + ". A new version is trained for " + open.epochs()
                + " epoch" + (open.epochs() == 1 ? "" : "s") + " on the training split with feedback \"" + open.feedback()
                + "\", using every " + w("shortcut mask painted", "shortcut feature set marked") + " so far; then its maps are recomputed. " + controlsInWords(open)
                + " It becomes the project's model only if it is not worse than its parent on the test split and "
                + version(open.modelVersion()) + " is still the project's model then; otherwise it is kept as a version.");
        d.add(what);
        if (so.masks() == 0) {
            Paragraph none = new Paragraph(w("No shortcut mask", "No shortcut feature marked") + " in this round: retraining "
                    + "now trains a new version on the same data with no correction from the experts. To teach the model "
                    + "where not to look, have experts " + w("paint shortcut masks on the samples", "mark shortcut features on "
                    + "the rows") + " they reject first.");
            none.setId("retrain-without-feedback");
            none.getStyle().set("color", "var(--lumo-error-text-color)");
            d.add(none);
        }
        Button go = new Button(so.masks() == 0 ? "Retrain without feedback" : "Retrain", e -> {
            d.close();
            act(() -> {
                rounds.retrain(project.id, open.number(), access.caller());
                Notification.show("Retraining: round " + open.number() + " goes to training", 3000,
                        Notification.Position.BOTTOM_START);
            });
        });
        go.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        go.setId("retrain-confirm");
        Button cancel = new Button("Cancel", e -> d.close());
        d.getFooter().add(cancel, go);
        d.open();
    }

    /** A model version as people know it, "small-cnn v2", never its database id. */
    private String label(long modelId) {
        return models.find(modelId).map(ModelVersion::label).orElse("a removed model");
    }

    /**
     * A round's verdict in words (WORSE in the error colour), whether its version became the
     * project's model, and for an engineer a button that makes a version that did not the project's model.
     */
    private HorizontalLayout verdictCell(RoundService.Round r) {
        HorizontalLayout cell = new HorizontalLayout();
        cell.setAlignItems(FlexComponent.Alignment.CENTER);
        cell.setSpacing(true);
        if (r.verdict() == null) {
            cell.add(new Span("—"));
            return cell;
        }
        Span words = new Span(r.verdictText());
        words.addClassName("round-verdict");
        words.getElement().setAttribute("data-verdict", r.verdict());
        if (r.verdict().equals("worse")) {
            words.getStyle().set("color", "var(--lumo-error-text-color)").set("font-weight", "600");
        }
        cell.add(words);
        Long current = models.current(project.id).map(v -> v.id).orElse(null);
        boolean isCurrent = r.trainedModelId() != null && r.trainedModelId().equals(current);
        Span status = new Span(isCurrent ? "current" : Boolean.TRUE.equals(r.madeCurrent()) ? "was made current"
                : "kept, not current");
        status.getElement().getThemeList().add(isCurrent ? "badge success" : "badge contrast");
        cell.add(status);
        boolean engineer = access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false);
        if (engineer && !isCurrent && r.trainedModelId() != null) {
            Button choose = new Button("Make " + version(r.trainedModelVersion()) + " current", e -> confirmChoose(r));
            choose.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            choose.addClassName("make-current");
            cell.add(choose);
        }
        return cell;
    }

    /** Asks before making a round's version the project's model, saying what it was judged. */
    private void confirmChoose(RoundService.Round r) {
        Dialog d = new Dialog();
        d.setHeaderTitle("Make " + version(r.trainedModelVersion()) + " the project's model?");
        d.add(new Paragraph("Round " + r.number() + " judged it " + r.verdictText() + ". The project's model is the one "
                + "experts review, the queue ranks and reports describe by default; the choice is recorded in the "
                + "audit trail."));
        Button go = new Button("Make it current", e -> {
            d.close();
            act(() -> {
                access.requireProject(project.id);
                ModelVersion v = models.choose(project.id, r.trainedModelId(), access.caller().username(),
                        "chosen on the rounds page after round " + r.number() + " (" + r.verdictText() + ")");
                Notification.show(v.name + " v" + v.version + " is now the project's model", 3000,
                        Notification.Position.BOTTOM_START);
            });
        });
        go.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        go.setId("choose-confirm");
        d.getFooter().add(new Button("Cancel", e -> d.close()), go);
        d.open();
    }

    /** " Its v2 is WORSE than its parent (…): kept, not made the project's model." — empty before a verdict. */
    private static String verdictLine(RoundService.Round r) {
        if (r.verdict() == null) {
            return "";
        }
        return " Its " + version(r.trainedModelVersion()) + " is " + r.verdictText()
                + (Boolean.TRUE.equals(r.madeCurrent()) ? ": it became the project's model."
                : ": kept as a version, not made the project's model.");
    }

    private boolean tabular() {
        return project != null && project.modality == Modality.TABULAR;
    }

    /** The words of an images project, or of a tabular one (whose experts mark features instead of painting masks). */
    private String w(String images, String rows) {
        return tabular() ? rows : images;
    }

    private String controlsInWords(RoundService.Round r) {
        int n = r.controls() == null ? config.rounds().controls() : r.controls();
        return n == 0 ? "No control training: how far retraining alone moves the accuracy is not measured."
                : n + " control training" + (n == 1 ? "" : "s") + " (the same retraining without this round's " + w("masks", "marks") + ") "
                + "measure" + (n == 1 ? "s" : "") + " how far retraining alone moves the accuracy; each takes about as "
                + "long as the retraining itself.";
    }

    private static String percent(double fraction) {
        return String.format(Locale.US, "%.1f %%", 100 * fraction);
    }

    private static String version(Integer number) {
        return number == null ? "v?" : "v" + number;
    }

    /** A round's counts as the table shows them: stored once retraining began, live while it is reviewed. */
    private RoundService.Progress counts(RoundService.Round r) {
        if (r.reviewed() != null) {
            return new RoundService.Progress(r.reviewed(), r.masks() == null ? 0 : r.masks());
        }
        return r.state().equals("reviewing") ? rounds.progress(r) : new RoundService.Progress(0, 0);
    }

    /** The parts of a score, largest first: "disagreement 0.42 · concentration 0.42 · entropy 0.10". */
    public static String breakdown(Map<String, Double> components) {
        return ScoreBreakdown.of(components);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        polling = attachEvent.getUI().addPollListener(e -> refresh());
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        if (polling != null) {
            polling.remove();
        }
        detachEvent.getUI().setPollInterval(-1);
    }

    /** The trained model's reliance: flip rate and drop, "—" without marked regions, "measuring" until measured. */
    static String reliance(RoundService.Round r) {
        if (r.relianceFlipRate() != null) {
            return String.format(Locale.US, "flips %.0f %% (drop %.2f)", 100 * r.relianceFlipRate(),
                    r.relianceDrop() == null ? 0 : r.relianceDrop());
        }
        return r.relianceRegions() == null && "done".equals(r.state()) ? "measuring" : "—";
    }
}
