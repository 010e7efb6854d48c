package org.rationale.ui.scheduler;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
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
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import org.rationale.error.Conflict;
import org.rationale.error.DomainError;
import org.rationale.error.NotFound;
import org.rationale.model.ModelService;
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
import org.rationale.ui.ProjectsView;
import org.rationale.ui.ScoreBreakdown;
import org.rationale.ui.Routes;

import java.io.ByteArrayInputStream;
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
    private final Select<String> queueStrategy = new Select<>();
    private final Button retrain = new Button("Retrain with the feedback", VaadinIcon.REFRESH.create());
    private final Button start = new Button("Start next round", VaadinIcon.PLAY.create());
    private String lastState = "";
    private Registration polling;

    @Inject
    public RoundsView(ProjectService projects, RoundService rounds, SchedulerService scheduler, ModelService models,
                      LearningCurves curves, Access access) {
        this.projects = projects;
        this.rounds = rounds;
        this.scheduler = scheduler;
        this.models = models;
        this.curves = curves;
        this.access = access;
        addClassName("rounds-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        project = ProjectRoute.resolve(event, projects, access, this).orElse(null);
        if (project == null) {
            return;
        }
        boolean engineer = access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false);
        add(new RouterLink("← Projects", ProjectsView.class), new H2("Feedback rounds · " + project.name));
        status.setId("round-status");
        add(status);
        if (engineer) {
            add(startForm());
        }
        add(new H3("Rounds"));
        roundGrid.addColumn(RoundService.Round::number).setHeader("#").setAutoWidth(true);
        roundGrid.addColumn(RoundService.Round::strategy).setHeader("Strategy");
        roundGrid.addColumn(r -> r.feedback() + (r.feedback().equals("rrr") || r.feedback().equals("both")
                ? String.format(Locale.US, " λ=%.0f", r.lambda()) : "")).setHeader("Feedback");
        roundGrid.addColumn(RoundService.Round::state).setHeader("State");
        roundGrid.addColumn(r -> "v" + r.modelId() + (r.trainedModelId() == null ? "" : " → v" + r.trainedModelId()))
                .setHeader("Model");
        roundGrid.addColumn(r -> r.reviewed() == null ? "—" : String.valueOf(r.reviewed())).setHeader("Reviewed");
        roundGrid.addColumn(r -> r.masks() == null ? "—" : String.valueOf(r.masks())).setHeader("Shortcut masks");
        roundGrid.addColumn(r -> r.testAccuracy() == null ? "—" : String.format(Locale.US, "%.1f %%", 100 * r.testAccuracy()))
                .setHeader("Test accuracy");
        roundGrid.addColumn(r -> r.shortcutMass() == null ? "—" : String.format(Locale.US, "%.3f", r.shortcutMass()))
                .setHeader("Shortcut mass");
        roundGrid.addColumn(r -> r.error() == null ? "" : r.error()).setHeader("Error");
        roundGrid.setAllRowsVisible(true);
        roundGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
        roundGrid.setId("round-grid");
        add(roundGrid, plots);
        if (engineer) {
            retrain.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            retrain.setId("retrain-button");
            retrain.addClickListener(e -> act(() -> {
                RoundService.Round open = rounds.open(project.id).orElseThrow(() -> NotFound.of("Open round"));
                rounds.retrain(project.id, open.number(), access.caller());
                Notification.show("Retraining with every shortcut mask so far", 3000, Notification.Position.BOTTOM_START);
            }));
            add(retrain);
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
        add(queueGrid);
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
        lambda.setValue(1000.0);
        lambda.setMin(0);
        lambda.setId("round-lambda");
        IntegerField epochs = new IntegerField("Epochs");
        epochs.setValue(2);
        epochs.setMin(1);
        epochs.setMax(20);
        epochs.setId("round-epochs");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.setId("start-round");
        start.addClickListener(e -> act(() -> {
            RoundService.Round r = rounds.start(project.id, access.caller(), new RoundService.StartRequest(
                    strategy.getValue(), batch.getValue(), feedback.getValue(), lambda.getValue(), epochs.getValue(), null));
            queueStrategy.setValue(r.strategy());
            Notification.show("Round " + r.number() + " started: computing maps for the candidates", 3000,
                    Notification.Position.BOTTOM_START);
        }));
        HorizontalLayout form = new HorizontalLayout(strategy, batch, feedback, lambda, epochs, start);
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
        RoundService.Round open = all.stream().filter(r -> List.of("reviewing", "training", "recomputing").contains(r.state()))
                .findFirst().orElse(null);
        status.setText(open == null ? (all.isEmpty() ? "No round yet: start one to pick the samples experts see first."
                : "Round " + all.get(all.size() - 1).number() + " is " + all.get(all.size() - 1).state() + ".")
                : switch (open.state()) {
                    case "recomputing" -> "Round " + open.number() + ": the workers compute predictions and maps…";
                    case "reviewing" -> "Round " + open.number() + ": experts review the queue (" + open.batchSize()
                            + " samples asked), then retrain.";
                    default -> "Round " + open.number() + ": training the next model version…";
                });
        retrain.setEnabled(open != null && open.state().equals("reviewing"));
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
        var model = models.latest(project.id);
        if (model.isEmpty()) {
            queueGrid.setItems(List.of());
            return;
        }
        try {
            queueGrid.setItems(scheduler.queue(project.id, model.get().id, Strategy.parse(queueStrategy.getValue()), 20));
        } catch (DomainError e) {
            queueGrid.setItems(List.of());
        }
    }

    /**
     * An engineer who picks a strategy whose queue was never ranked ranks it (an explicit action,
     * audited); the page's own refreshes only read.
     */
    private void rankIfNeverRanked() {
        var model = models.latest(project.id);
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
}
