package org.rationale.ui.model;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import org.rationale.error.DomainError;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.saliency.MethodAvailability;
import org.rationale.saliency.SaliencyService;
import org.rationale.saliency.SanityCheck;
import org.rationale.saliency.SanityService;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.PlatformModel;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.Routes;
import org.rationale.worker.ItemState;
import org.rationale.worker.JobKind;
import org.rationale.worker.JobRequest;
import org.rationale.worker.JobService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The randomisation sanity checks of a project's models (Adebayo et al. 2018): engineers start the
 * checks of chosen methods as a background job and follow it method by method; everyone sees the
 * results as numbers, the similarity after each randomisation step, the threshold and the verdict.
 */
@Route(value = Routes.SANITY, layout = MainLayout.class)
@PageTitle("Sanity checks · Rationale")
@PermitAll
public class SanityView extends JobFollowingPage implements BeforeEnterObserver {

    private final ProjectService projects;
    private final ModelService models;
    private final SaliencyService saliency;
    private final SanityService sanity;
    private final JobService jobs;
    private final Access access;

    private Project project;
    private final Select<ModelVersion> model = new Select<>();
    private final CheckboxGroup<MethodAvailability> methods = new CheckboxGroup<>();
    private final Paragraph unavailable = new Paragraph();
    private final Button start = new Button("Run the checks in the background", VaadinIcon.PLAY.create());
    private final Div startError = new Div();
    private final Div progress = new Div();
    private final ProgressBar bar = new ProgressBar();
    private final Span progressText = new Span();
    private final Div perMethod = new Div();
    private final Grid<SanityCheck.Result> results = new Grid<>();
    private final Paragraph noResults = new Paragraph();
    private final Div signals = new Div();

    public SanityView(ProjectService projects, ModelService models, SaliencyService saliency, SanityService sanity,
                      JobService jobs, Access access) {
        this.projects = projects;
        this.models = models;
        this.saliency = saliency;
        this.sanity = sanity;
        this.jobs = jobs;
        this.access = access;
        addClassName("sanity-view");
        setMaxWidth("1200px");
        // the controls and their listeners are made once; each visit loads the project and its models
        model.setLabel("Model");
        model.setWidth("360px");
        model.setId("sanity-model");
        model.setItemLabelGenerator(v -> v.label() + " · " + v.origin);
        model.addValueChangeListener(e -> {
            if (e.getValue() != null && e.isFromClient()) {
                showModel(e.getValue());
            }
        });
        methods.setLabel("Methods to check");
        methods.setId("sanity-methods");
        methods.setItemLabelGenerator(MethodAvailability::method);
        methods.setItemEnabledProvider(MethodAvailability::available);
        unavailable.setId("sanity-unavailable");
        unavailable.addClassName("sanity-unavailable");
        unavailable.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)")
                .set("margin", "0");
        start.setId("sanity-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> startJob());
        startError.setId("sanity-start-error");
        startError.addClassName("form-error");
        startError.getStyle().set("color", "var(--lumo-error-text-color)");
        progress.setId("sanity-progress");
        progressText.setId("sanity-progress-text");
        perMethod.setId("sanity-per-method");
        bar.setWidth("360px");
        progress.add(progressText, bar, perMethod);
        results.setId("sanity-results");
        results.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        results.setAllRowsVisible(true);
        noResults.setId("sanity-no-results");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        project = ProjectRoute.enter(event, projects, access, this, "Sanity checks").orElse(null);
        if (project == null) {
            return;
        }
        Paragraph what = new Paragraph("The randomisation check (Adebayo et al. 2018): the layers of a copy of the "
                + "model get random weights one after the other, from the output down; after each step the maps of the "
                + "first " + SanityService.DEFAULT_SAMPLES + " test samples are compared with the trained model's by "
                + "rank correlation (Spearman: 1 = same ranking of pixels, 0 = unrelated). A method passes when the "
                + "similarity after the last step is at most " + fmt(SanityCheck.THRESHOLD) + "; one that fails draws "
                + "much the same map for a model that learned nothing, so its maps say little about this model.");
        what.addClassName("sanity-explained");
        add(what);
        List<ModelVersion> versions = models.list(project.id);
        if (versions.isEmpty()) {
            Paragraph none = new Paragraph("This project has no model yet. Upload one or train the platform's "
                    + PlatformModel.shortName(project.modality) + "; "
                    + "then its checks can run here.");
            none.setId("sanity-no-model");
            Anchor upload = new Anchor(Routes.of(Routes.MODEL_UPLOAD, project.id), "Upload a model");
            upload.getElement().setAttribute("router-link", true);
            add(none, upload);
            return;
        }
        model.setItems(versions);
        ModelVersion chosen = chosenModel(event, versions);
        model.setValue(chosen);
        add(model);
        boolean engineer = access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false);
        if (engineer) {
            startError.setText("");
            add(methods, unavailable, start, startError);
        }
        progress.setVisible(false);
        add(progress);
        add(new H3("Results"));
        add(noResults, results);
        signals.setId("sanity-map-signals");
        add(new H3("Stored maps"), signals);
        showModel(chosen);
        jobId = runningJob(chosen).orElse(null);
        followJob();
    }

    /** The model named by {@code ?model=} (an id of this project's), else the project's current version. */
    private ModelVersion chosenModel(BeforeEnterEvent event, List<ModelVersion> versions) {
        Optional<String> asked = event.getLocation().getQueryParameters().getSingleParameter("model");
        Long currentId = models.current(project.id).map(v -> v.id).orElse(null);
        return asked.flatMap(a -> versions.stream().filter(v -> String.valueOf(v.id).equals(a)).findFirst())
                .or(() -> versions.stream().filter(v -> v.id.equals(currentId)).findFirst())
                .orElse(versions.get(versions.size() - 1));
    }

    private void showModel(ModelVersion v) {
        List<MethodAvailability> offered = saliency.methods(v);
        List<SanityCheck.Result> stored = sanity.stored(v.id);
        Set<String> checked = new LinkedHashSet<>();
        stored.forEach(r -> checked.add(r.method()));
        methods.setItems(offered);
        methods.setValue(new LinkedHashSet<>(offered.stream()
                .filter(m -> m.available() && !checked.contains(m.method())).toList()));
        List<String> refused = offered.stream().filter(m -> !m.available())
                .map(m -> m.method() + ": " + m.refusal()).toList();
        unavailable.setText(refused.isEmpty() ? "" : "Not available for " + v.label() + " — "
                + String.join("; ", refused));
        unavailable.setVisible(!refused.isEmpty());
        showResults(v, stored);
        showSignals(v);
    }

    /** One chip per method: its stored maps, and those without signal or flagged by a worker's self-check stand out. */
    private void showSignals(ModelVersion v) {
        signals.removeAll();
        List<SaliencyService.MapSignals> all = saliency.signals(v.id);
        if (all.isEmpty()) {
            signals.add(new Span("No maps of " + v.name + " v" + v.version + " are stored yet."));
            return;
        }
        for (SaliencyService.MapSignals m : all) {
            String name = m.method() + (m.parameters().equals("{}") || m.parameters().isBlank() ? "" : " " + m.parameters());
            List<String> problems = new ArrayList<>();
            if (m.withoutSignal() > 0) {
                problems.add(String.format(Locale.US, "%,d without signal", m.withoutSignal()));
            }
            if (m.selfCheckFlagged() > 0) {
                problems.add(String.format(Locale.US, "%,d flagged by a worker's self-check", m.selfCheckFlagged()));
            }
            Span chip = new Span(String.format(Locale.US, "%s %s: %,d maps%s", problems.isEmpty() ? "✓" : "⚠", name,
                    m.maps(), problems.isEmpty() ? "" : ", " + String.join(", ", problems)));
            chip.getElement().getThemeList().add("badge small " + (problems.isEmpty() ? "success" : "error primary"));
            if (m.withoutSignal() > 0) {
                chip.getElement().setAttribute("title", "Maps whose every value is zero or the same point at nothing: "
                        + "judge those samples by another method");
            }
            chip.getStyle().set("margin-inline-end", "var(--lumo-space-s)");
            signals.add(chip);
        }
    }

    private void showResults(ModelVersion v, List<SanityCheck.Result> stored) {
        results.removeAllColumns();
        List<SanityCheck.Result> sorted = new ArrayList<>(stored);
        sorted.sort(Comparator.comparing(SanityCheck.Result::method));
        noResults.setText(stored.isEmpty() ? "No check of " + v.label() + " has run yet." : "");
        noResults.setVisible(stored.isEmpty());
        results.setVisible(!stored.isEmpty());
        if (stored.isEmpty()) {
            return;
        }
        results.addColumn(SanityCheck.Result::method).setHeader("Method").setAutoWidth(true).setFrozen(true);
        results.addComponentColumn(r -> {
            Span s = new Span(r.inconclusive() ? "? inconclusive" : r.passed() ? "✓ passed" : "⚠ failed");
            s.getElement().getThemeList().add("badge small " + (r.inconclusive() ? "contrast"
                    : r.passed() ? "success" : "error primary"));
            if (r.inconclusive()) {
                s.getElement().setAttribute("title", r.noSignal() + ". Judge by another method");
            }
            return s;
        }).setHeader("Verdict").setAutoWidth(true);
        results.addColumn(r -> r.inconclusive() ? "no signal: " + r.noSignal()
                        : fmt(r.finalSimilarity()) + (r.passed() ? " ≤ " : " > ") + fmt(r.threshold()))
                .setHeader("Final vs threshold").setAutoWidth(true).setTextAlign(ColumnTextAlign.END);
        List<String> layers = SanityCheck.layers(sorted.get(0));
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            results.addColumn(r -> {
                Double s = r.similarityByLayer().get(layer);
                return s == null ? "—" : fmt(s);
            }).setHeader("step " + (i + 1) + ": " + layer).setAutoWidth(true).setTextAlign(ColumnTextAlign.END);
        }
        results.addColumn(SanityCheck.Result::samples).setHeader("Samples").setAutoWidth(true)
                .setTextAlign(ColumnTextAlign.END);
        results.setItems(sorted);
    }

    private void startJob() {
        startError.setText("");
        ModelVersion v = model.getValue();
        Set<MethodAvailability> chosen = methods.getValue();
        if (chosen.isEmpty()) {
            methods.setInvalid(true);
            methods.setErrorMessage("Choose at least one method to check");
            return;
        }
        methods.setInvalid(false);
        // in the registry's order, as the checkboxes show them
        List<JobRequest.MethodRequest> asked = saliency.methods(v).stream()
                .filter(m -> chosen.stream().anyMatch(c -> c.method().equals(m.method())))
                .map(m -> new JobRequest.MethodRequest(m.method(), Map.of())).toList();
        try {
            access.requireProject(project.id);
            jobId = jobs.submit(new JobRequest(JobKind.SANITY.value(), v.id, asked, null, null, 0));
            followJob();
        } catch (DomainError e) {
            startError.setText(e.describe());
        }
    }

    /** A sanity job of this model that has not ended yet, among the recent jobs. */
    private Optional<Long> runningJob(ModelVersion v) {
        return jobs.recent(50).stream()
                .filter(j -> j.kind() == JobKind.SANITY && j.projectId() == project.id && !j.state().ended())
                .filter(j -> j.parameters() != null && Objects.equals(String.valueOf(j.parameters().get("modelId")),
                        String.valueOf(v.id)))
                .map(JobService.JobSummary::id).findFirst();
    }

    @Override
    protected void followJob() {
        if (jobId == null) {
            progress.setVisible(false);
            setPolling(false);
            return;
        }
        Optional<JobService.JobSummary> job = jobs.job(jobId);
        if (job.isEmpty()) {
            jobId = null;
            progress.setVisible(false);
            setPolling(false);
            return;
        }
        JobService.JobSummary j = job.get();
        progress.setVisible(true);
        long ended = j.itemsDone() + j.itemsFailed() + j.itemsCancelled();
        progressText.setText(String.format(Locale.US, "Sanity job: %d of %d methods checked%s — %s", ended,
                j.itemsTotal(), j.itemsFailed() > 0 ? " (" + j.itemsFailed() + " failed)" : "",
                j.state().value()));
        bar.setValue(Math.max(0, Math.min(1, j.progress())));
        perMethod.removeAll();
        for (JobService.SanityProgress p : jobs.sanityProgress(jobId)) {
            Div line = new Div();
            line.addClassName("sanity-method-progress");
            line.getElement().setAttribute("data-method", p.method());
            line.setText(p.method() + " — " + words(p.state()) + (p.error() == null || p.state() != ItemState.FAILED
                    ? "" : ": " + p.error()));
            perMethod.add(line);
        }
        boolean running = !j.state().ended();
        start.setEnabled(!running);
        if (!running) {
            showModel(model.getValue());
        }
        setPolling(running);
    }

    private static String words(ItemState s) {
        if (s == ItemState.QUEUED) {
            return "waiting for a worker";
        }
        if (s == ItemState.LEASED) {
            return "running";
        }
        if (s == ItemState.SUCCEEDED) {
            return "done";
        }
        if (s == ItemState.FAILED) {
            return "failed";
        }
        return "cancelled";
    }

    /** Two decimals; a value that rounds to zero shows as 0.00, not -0.00. */
    private static String fmt(double d) {
        String s = String.format(Locale.US, "%.2f", d);
        return s.equals("-0.00") ? "0.00" : s;
    }
}
