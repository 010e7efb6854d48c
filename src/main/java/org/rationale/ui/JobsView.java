package org.rationale.ui;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import org.rationale.error.DomainError;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import jakarta.annotation.security.PermitAll;
import org.rationale.security.Access;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.vaadin.flow.router.Route;
import jakarta.inject.Inject;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.saliency.AttributionMethod;
import org.rationale.saliency.AttributionMethods;
import org.rationale.worker.JobKind;
import org.rationale.worker.JobService;
import org.rationale.worker.JobRequest;
import org.rationale.worker.SampleSelection;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jobs: start a saliency job over a split, follow every job's progress (rate, ETA; pushed by the
 * server each second), cancel, read the errors of failed items, and see the workers.
 */
@Route(value = Routes.JOBS, layout = MainLayout.class)
@PageTitle("Jobs · Rationale")
@PermitAll
public class JobsView extends VerticalLayout implements BeforeEnterObserver {

    private final JobService jobs;
    private final Grid<JobService.JobSummary> grid = new Grid<>();
    private final Select<Project> projectSelect = new Select<>();
    private ScheduledExecutorService ticker;
    private final Grid<JobService.WorkerStatus> workers = new Grid<>();

    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.US);

    private final Caller caller;
    private final Set<Long> visible = new HashSet<>();
    private final Map<Long, String> projectNames = new HashMap<>();

    @Inject
    public JobsView(JobService jobs, ProjectService projects, ModelService models, AttributionMethods methods, Access access) {
        this.jobs = jobs;
        this.caller = access.caller();
        projects.visibleTo(caller).forEach(p -> {
            visible.add(p.id);
            projectNames.put(p.id, p.name);
        });
        addClassName("jobs-view");
        add(new H1("Jobs"));
        if (caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)) {
            add(startForm(projects, models, methods));
        }

        grid.addColumn(j -> j.id()).setHeader("Job").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(j -> projectNames.getOrDefault(j.projectId(), "")).setHeader("Project").setWidth("11rem")
                .setFlexGrow(1);
        grid.addColumn(j -> j.kind().value()).setHeader("Kind").setAutoWidth(true);
        grid.addColumn(JobsView::model).setHeader("Model").setAutoWidth(true);
        grid.addColumn(j -> j.methods().isEmpty() ? "—" : String.join(", ", j.methods())).setHeader("Methods")
                .setWidth("10rem").setFlexGrow(1);
        grid.addColumn(j -> j.split() == null ? j.itemsTotal() + " chosen samples" : j.split()).setHeader("Split")
                .setAutoWidth(true);
        grid.addColumn(j -> j.startedBy() == null ? "system" : j.startedBy()).setHeader("Started by").setAutoWidth(true);
        grid.addColumn(j -> j.createdAt() == null ? "" : STARTED.format(j.createdAt().atZoneSameInstant(ZoneOffset.UTC)))
                .setHeader("Submitted (UTC)").setWidth("8.5rem").setFlexGrow(0);
        grid.addColumn(j -> j.state().value()).setHeader("State").setAutoWidth(true);
        grid.addComponentColumn(j -> {
            ProgressBar bar = new ProgressBar(0, 1, Math.max(0, Math.min(1, j.progress())));
            bar.setWidth("6rem");
            return bar;
        }).setHeader("Progress").setAutoWidth(true);
        grid.addColumn(j -> j.itemsTotal() == 0 ? "" : j.itemsDone() + " / " + j.itemsTotal()
                + (j.itemsFailed() > 0 ? " (" + j.itemsFailed() + " failed)" : "")).setHeader("Items").setAutoWidth(true);
        grid.addColumn(j -> j.itemsPerSecond() == null ? "" : String.format(Locale.US, "%.1f/s", j.itemsPerSecond()))
                .setHeader("Rate").setAutoWidth(true);
        grid.addColumn(j -> j.etaSeconds() == null || j.state().ended() ? ""
                : String.format(Locale.US, "%.0f s", j.etaSeconds())).setHeader("ETA").setAutoWidth(true);
        grid.addComponentColumn(this::actions).setHeader("").setAutoWidth(true);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setId("jobs-grid");
        grid.setEmptyStateText(caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)
                ? "No jobs yet. A job computes saliency maps (start one above), trains a model, or recomputes a "
                + "feedback round's maps; each shows here with its progress."
                : "No jobs yet. Engineers start jobs that compute saliency maps or train models; they show here.");
        grid.setAllRowsVisible(true);
        add(grid);

        workers.addColumn(JobService.WorkerStatus::host).setHeader("Worker host").setAutoWidth(true);
        workers.addColumn(JobService.WorkerStatus::device).setHeader("Device").setAutoWidth(true);
        workers.addColumn(JobService.WorkerStatus::threads).setHeader("Threads").setAutoWidth(true);
        workers.addColumn(JobService.WorkerStatus::batchesDone).setHeader("Batches").setAutoWidth(true);
        workers.addColumn(JobService.WorkerStatus::itemsDone).setHeader("Items").setAutoWidth(true);
        workers.addColumn(w -> w.alive() ? "alive" : "silent").setHeader("Heartbeat").setAutoWidth(true);
        workers.addComponentColumn(w -> {
            Span check = new Span(w.unreliable() != null ? "⚠ unreliable: claims nothing more"
                    : w.selfCheckDisagreements() > 0 ? String.format(Locale.US, "✓ %,d maps computed twice; %,d "
                    + "batches disagreed, settled by a third computation", w.selfChecks(), w.selfCheckDisagreements())
                    : String.format(Locale.US, "✓ %,d maps computed twice, all agreed", w.selfChecks()));
            check.getElement().getThemeList().add("badge small " + (w.unreliable() != null ? "error primary"
                    : w.selfCheckDisagreements() > 0 ? "contrast" : "success"));
            if (w.unreliable() != null) {
                check.getElement().setAttribute("title", w.unreliable() + ". Maps that no two computations agreed on "
                        + "are flagged. Try DNNL_MAX_CPU_ISA=AVX2 on this host, then restart it");
                check.addClassName("worker-unreliable");
            }
            return check;
        }).setHeader("Self-check").setAutoWidth(true);
        workers.addColumn(JobService.WorkerStatus::id).setHeader("Id").setAutoWidth(true);
        workers.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        workers.setAllRowsVisible(true);
        workers.setId("workers-grid");
        add(new H2("Workers"), workers);
        refresh();
    }

    /** While the page is open, the server pushes fresh job rows every second. */
    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jobs-view-refresh");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(() -> ui.access(this::refresh), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        List<String> wanted = event.getLocation().getQueryParameters().getParameters().get("projectId");
        if (wanted != null && !wanted.isEmpty()) {
            projectSelect.getListDataView().getItems().filter(p -> p.id.toString().equals(wanted.get(0))).findFirst()
                    .ifPresent(projectSelect::setValue);
        }
    }

    /** The model a job explains ("small-cnn v3"), or the one a training makes ("→ small-cnn v4", or its name before it exists). */
    private static String model(JobService.JobSummary j) {
        String version = j.model();
        if (j.kind() == JobKind.TRAIN) {
            Object name = j.parameters() == null ? null : j.parameters().get("name");
            return version != null ? "→ " + version : name == null ? "new version" : "→ new " + name;
        }
        return version == null ? "—" : version;
    }

    private void refresh() {
        grid.setItems(jobs.recent(50).stream().filter(j -> visible.contains(j.projectId())).toList());
        workers.setItems(jobs.workers());
    }

    private HorizontalLayout actions(JobService.JobSummary j) {
        HorizontalLayout h = new HorizontalLayout();
        if (!j.state().ended() && caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)) {
            Button cancel = new Button("Cancel", e -> {
                try {
                    jobs.cancel(j.id());
                } catch (DomainError ex) {
                    Notification.show(ex.getMessage()).addThemeVariants(NotificationVariant.LUMO_ERROR);
                }
                refresh();
            });
            cancel.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            h.add(cancel);
        }
        if (!j.failedItems().isEmpty() || j.error() != null) {
            Button errors = new Button("Errors", e -> showErrors(j));
            errors.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            h.add(errors);
        }
        return h;
    }

    private void showErrors(JobService.JobSummary j) {
        Dialog d = new Dialog();
        d.setHeaderTitle("Job " + j.id() + ": failed items");
        Div list = new Div();
        if (j.error() != null) {
            list.add(new Div(new Span(j.error())));
        }
        for (JobService.ItemError e : j.failedItems()) {
            list.add(new Div(new Span("sample " + e.sampleId() + " (" + e.attempts() + " attempts): " + e.error())));
        }
        d.add(list);
        d.getFooter().add(new Button("Close", e -> d.close()));
        d.open();
    }

    private Div startForm(ProjectService projects, ModelService models, AttributionMethods methods) {
        Select<Project> project = projectSelect;
        project.setLabel("Project");
        project.setItemLabelGenerator(p -> p.name);
        List<Project> all = projects.visibleTo(caller);
        // the same instances as items and as the value, or the select shows no choice
        project.setItems(all);
        Select<ModelVersion> model = new Select<>();
        model.setLabel("Model");
        model.setItemLabelGenerator(v -> v.label());
        project.addValueChangeListener(e -> {
            List<ModelVersion> ms = e.getValue() == null ? List.of() : models.list(e.getValue().id);
            project.setInvalid(false);
            model.setInvalid(false);
            model.setItems(ms);
            model.setHelperText(e.getValue() != null && ms.isEmpty() ? "No model yet: upload or train one first" : null);
            if (!ms.isEmpty()) {
                // the project's current version (not always the newest: a round's worse version is not made current)
                Long currentId = models.current(e.getValue().id).map(v -> v.id).orElse(null);
                model.setValue(ms.stream().filter(v -> v.id.equals(currentId)).findFirst()
                        .orElse(ms.get(ms.size() - 1)));
            }
        });
        MultiSelectComboBox<String> chosen = new MultiSelectComboBox<>("Methods");
        chosen.setItems(methods.all().stream().map(AttributionMethod::name).toList());
        chosen.setValue(Set.of("vanilla-gradient"));
        chosen.setWidth("22rem");
        Select<String> split = new Select<>("Split", e -> { }, "test", "train", "validation");
        split.setValue("test");
        Select<String> target = new Select<>("Explain", e -> { }, "predicted", "label");
        target.setValue("predicted");
        Span formError = new Span();
        formError.setId("job-form-error");
        formError.addClassName("form-error");
        formError.getStyle().set("color", "var(--lumo-error-text-color)");
        Button start = new Button("Start saliency job", VaadinIcon.PLAY.create(), e -> {
            project.setInvalid(false);
            model.setInvalid(false);
            chosen.setInvalid(false);
            formError.setText("");
            // every missing choice at once, each at its field
            boolean ok = true;
            if (project.getValue() == null) {
                project.setErrorMessage(project.getListDataView().getItemCount() == 0
                        ? "No project yet: create one on the Projects page first"
                        : "Choose a project: a job computes the maps of one project's samples");
                project.setInvalid(true);
                ok = false;
            } else if (model.getValue() == null) {
                model.setErrorMessage("This project has no model yet: upload one or train the platform CNN "
                        + "(links on the project's card)");
                model.setInvalid(true);
                ok = false;
            }
            if (chosen.getValue().isEmpty()) {
                chosen.setErrorMessage("Choose at least one method");
                chosen.setInvalid(true);
                ok = false;
            }
            if (!ok) {
                return;
            }
            try {
                long id = jobs.submit(JobRequest.saliency(model.getValue().id,
                        chosen.getValue().stream().sorted().map(n -> new JobRequest.MethodRequest(n, Map.of())).toList(),
                        new SampleSelection.Subset(project.getValue().id, split.getValue()), target.getValue(), 0));
                Notification.show("Job " + id + " queued").addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                refresh();
            } catch (DomainError ex) {
                formError.setText(ex.describe());
            }
        });
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.setId("start-job");
        HorizontalLayout row = new HorizontalLayout(project, model, chosen, split, target, start);
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        Div form = new Div(new H2("New saliency job"), row, formError);
        form.addClassName("job-form");
        if (!all.isEmpty()) {
            project.setValue(all.get(0));
        } else {
            project.setHelperText("No project yet: create one on the Projects page");
        }
        return form;
    }
}
