package org.rationale.ui.model;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Split;
import org.rationale.error.DomainError;
import org.rationale.model.Feedback;
import org.rationale.model.ModelService;
import org.rationale.model.RowFeedback;
import org.rationale.model.ModelVersion;
import org.rationale.model.TrainingRequest;
import org.rationale.model.TrainingService;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.PlatformModel;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.Routes;
import org.rationale.worker.JobKind;
import org.rationale.worker.JobService;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Trains the platform's model (a small CNN on images, an MLP on rows) on a split of the project as a
 * background job, with or without the experts' shortcut marks as feedback, and follows it epoch by
 * epoch to the new model version and its accuracy on every split.
 */
@Route(value = Routes.TRAINING, layout = MainLayout.class)
@PageTitle("Train · Rationale")
@RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
public class TrainingView extends JobFollowingPage implements BeforeEnterObserver {

    /** The feedback modes with what each means, in the order offered. */
    private static final List<String> FEEDBACK = List.of("none", "rrr", "counterexamples", "both");

    private final ProjectService projects;
    private final DatasetService datasets;
    private final TrainingService training;
    private final ModelService models;
    private final JobService jobs;
    private final Access access;

    private Project project;
    private final TextField name = new TextField("Model name");
    private final Select<String> split = new Select<>();
    private final IntegerField epochs = new IntegerField("Epochs");
    private final IntegerField batchSize = new IntegerField("Batch size");
    private final NumberField learningRate = new NumberField("Learning rate");
    private final IntegerField seed = new IntegerField("Random seed");
    private final RadioButtonGroup<String> feedback = new RadioButtonGroup<>();
    private final NumberField lambda = new NumberField("λ (weight of the mask penalty)");
    private final Button start = new Button("Start training", VaadinIcon.PLAY.create());
    private final Div formError = new Div();
    private final Div progress = new Div();
    private final Span progressText = new Span();
    private final ProgressBar bar = new ProgressBar();
    private final Paragraph outcome = new Paragraph();
    private final Grid<EpochRow> epochGrid = new Grid<>();
    private final Div form;
    private Map<String, Long> counts = Map.of();

    /** One finished epoch as the job reports it. */
    record EpochRow(int epoch, double loss, double accuracy) {
    }

    public TrainingView(ProjectService projects, DatasetService datasets, TrainingService training, ModelService models,
                        JobService jobs, Access access) {
        this.projects = projects;
        this.datasets = datasets;
        this.training = training;
        this.models = models;
        this.jobs = jobs;
        this.access = access;
        addClassName("training-view");
        setMaxWidth("1100px");
        // the form, the progress and their listeners are made once; each visit loads the project and resets the values
        form = form();
        progress.setId("training-progress");
        progressText.setId("training-progress-text");
        bar.setWidth("360px");
        outcome.setId("training-outcome");
        epochGrid.setId("training-epochs");
        epochGrid.addColumn(EpochRow::epoch).setHeader("Epoch").setAutoWidth(true);
        epochGrid.addColumn(r -> String.format(Locale.US, "%.4f", r.loss())).setHeader("Training loss")
                .setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
        epochGrid.addColumn(r -> String.format(Locale.US, "%.1f %%", 100 * r.accuracy())).setHeader("Training accuracy")
                .setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
        epochGrid.setAllRowsVisible(true);
        epochGrid.addThemeVariants(GridVariant.LUMO_COMPACT);
        epochGrid.setWidth("480px");
        progress.add(progressText, bar, outcome, epochGrid);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        project = ProjectRoute.enter(event, projects, access, this, "Train a model").orElse(null);
        if (project == null) {
            return;
        }
        add(new Paragraph("Trains the platform's " + PlatformModel.description(project.modality)
                + " from scratch on one split of this project, as a background job. The new version is "
                + "tested on every split and appears under the project's models; reviews, maps and rounds can use it "
                + "at once."));
        counts = datasets.countsBySplit(project.id);
        List<String> withSamples = Arrays.stream(Split.values()).map(Split::value)
                .filter(s -> counts.getOrDefault(s, 0L) > 0).toList();
        if (withSamples.isEmpty()) {
            Paragraph none = new Paragraph("This project has no samples yet: import a dataset first, then train here.");
            none.setId("training-no-data");
            add(none);
            return;
        }
        resetForm(withSamples);
        add(form);
        progress.setVisible(false);
        add(progress);
        jobId = jobs.recent(50).stream()
                .filter(j -> j.kind() == JobKind.TRAIN && j.projectId() == project.id && !j.state().ended())
                .map(JobService.JobSummary::id).findFirst().orElse(null);
        followJob();
    }

    /** The values a visit starts from: the splits of this project that have samples, the defaults elsewhere. */
    private void resetForm(List<String> withSamples) {
        boolean rows = project.modality == Modality.TABULAR;
        name.setValue(rows ? "tabular-mlp" : "small-cnn");
        split.setItems(withSamples);
        split.setValue(withSamples.contains("train") ? "train" : withSamples.get(0));
        // the MLP of rows trains in seconds an epoch and wants smaller batches than the CNN
        epochs.setValue(rows ? TrainingRequest.ROW_EPOCHS : 3);
        batchSize.setValue(rows ? TrainingRequest.ROW_BATCH_SIZE : 128);
        learningRate.setValue(rows ? TrainingRequest.ROW_LEARNING_RATE : 0.001);
        seed.setValue(0);
        feedback.setValue("none");
        lambda.setValue(rows ? RowFeedback.DEFAULT_LAMBDA : Feedback.DEFAULT_LAMBDA);
        // the form is made once; what its labels say depends on the project's samples
        feedback.setItemLabelGenerator(mode -> feedbackLabel(mode, rows));
        batchSize.setHelperText((rows ? "Rows" : "Images") + " per step, 1–4096");
        learningRate.setHelperText("Adam's step size, above 0 and at most 1 (" + (rows ? "0.003 suits the MLP"
                : "0.001 suits most data") + ")");
        for (HasValidation f : List.<HasValidation>of(name, epochs, batchSize, learningRate, seed, lambda)) {
            f.setInvalid(false);
        }
        formError.setText("");
        describeFeedback();
    }

    private Div form() {
        name.setId("training-name");
        name.setHelperText("Versions of one name are numbered v1, v2, …");
        split.setLabel("Train on");
        split.setId("training-split");
        split.setItemLabelGenerator(s -> s + " (" + counts.get(s) + " samples)");
        split.addValueChangeListener(e -> describeFeedback());
        epochs.setId("training-epochs-field");
        epochs.setMin(1);
        epochs.setMax(100);
        epochs.setStepButtonsVisible(true);
        epochs.setHelperText("Passes over the split, 1–100");
        batchSize.setId("training-batch");
        batchSize.setMin(1);
        batchSize.setMax(4096);
        learningRate.setId("training-rate");
        learningRate.setMin(0);
        learningRate.setMax(1);
        learningRate.setStep(0.0001);
        seed.setId("training-seed");
        seed.setHelperText("The same seed, data and settings train the same model");
        feedback.setLabel("The experts' feedback");
        feedback.setId("training-feedback");
        feedback.setItems(FEEDBACK);
        feedback.addValueChangeListener(e -> describeFeedback());
        lambda.setId("training-lambda");
        lambda.setMin(0);
        lambda.setMax(1e7);
        lambda.setHelperText("How strongly gradients inside the masks are punished, 0–10,000,000");
        FormLayout f = new FormLayout(name, split, epochs, batchSize, learningRate, seed);
        f.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("600px", 3));
        start.setId("training-start");
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        start.addClickListener(e -> startTraining());
        formError.setId("training-form-error");
        formError.getStyle().set("color", "var(--lumo-error-text-color)");
        Div all = new Div(f, feedback, lambda, start, formError);
        all.addClassName("training-form");
        all.setWidthFull();
        return all;
    }

    private static String feedbackLabel(String mode, boolean rows) {
        if (mode.equals("none")) {
            return "Without feedback — learn from the labels alone (a baseline, or a model before any review)";
        }
        if (mode.equals("rrr")) {
            return rows ? "Penalise the marked features (RRR) — on every training row the model is punished for "
                    + "leaning on the features experts marked as shortcuts (Ross et al. 2017)"
                    : "Penalise the masks (RRR) — the model is punished for attending to the pixels experts marked as "
                    + "shortcuts (Ross et al. 2017)";
        }
        if (mode.equals("counterexamples")) {
            return rows ? "Counterexamples — each training row gets a copy whose marked features come from another "
                    + "row, so the shortcut stops predicting the label"
                    : "Counterexamples — images with the marked pixels randomised are added to training, so the "
                    + "shortcut stops predicting the label";
        }
        return "Both — the penalty and the counterexamples";
    }

    private void describeFeedback() {
        if (project == null) {
            return;
        }
        String s = split.getValue();
        int masks = s == null ? 0 : training.feedbackMasks(project.id, Split.parse(s));
        boolean uses = feedback.getValue() != null && !feedback.getValue().equals("none");
        feedback.setHelperText(masks == 0
                ? "The experts have marked no shortcut on the " + s + " split yet: training with feedback would use no "
                + (project.modality == Modality.TABULAR ? "mark" : "mask") + " and equals training without it."
                : "The experts marked shortcuts on " + masks + " " + s + " samples" + (!uses
                ? "; they are ignored without feedback."
                : project.modality == Modality.TABULAR
                ? "; the features marked are held against every training row (each row's gradient on them, or a copy "
                + "with them drawn from another row)."
                : "; each batch carries up to " + TrainingRequest.FEEDBACK_PER_BATCH + " of them."));
        lambda.setVisible("rrr".equals(feedback.getValue()) || "both".equals(feedback.getValue()));
    }

    private void startTraining() {
        formError.setText("");
        List<String> problems = new ArrayList<>();
        check(name, name.getValue() == null || name.getValue().isBlank(), "Give the model a name", problems);
        check(epochs, epochs.isInvalid() || epochs.getValue() == null || epochs.getValue() < 1 || epochs.getValue() > 100,
                "Epochs must be a whole number from 1 to 100", problems);
        check(batchSize, batchSize.isInvalid() || batchSize.getValue() == null || batchSize.getValue() < 1
                || batchSize.getValue() > 4096, "Batch size must be a whole number from 1 to 4096", problems);
        Double lr = learningRate.getValue();
        check(learningRate, learningRate.isInvalid() || lr == null || !(lr > 0 && lr <= 1),
                "The learning rate must be above 0 and at most 1", problems);
        check(seed, seed.isInvalid() || seed.getValue() == null, "The seed must be a whole number", problems);
        Double l = lambda.getValue();
        check(lambda, lambda.isVisible() && (lambda.isInvalid() || l == null || !(l >= 0 && l <= 1e7)),
                "λ must be between 0 and 10,000,000", problems);
        if (!problems.isEmpty()) {
            return;
        }
        TrainingRequest r = new TrainingRequest(name.getValue().strip(), split.getValue(), epochs.getValue(),
                batchSize.getValue(), lr, (long) seed.getValue(), feedback.getValue(),
                lambda.isVisible() ? l : null, null);
        try {
            access.requireProject(project.id);
            jobId = training.start(project.id, r);
            followJob();
        } catch (DomainError e) {
            formError.setText(e.describe());
        }
    }

    private static void check(HasValidation field, boolean bad, String message,
                              List<String> problems) {
        field.setInvalid(bad);
        field.setErrorMessage(bad ? message : null);
        if (bad) {
            problems.add(message);
        }
    }

    @SuppressWarnings("unchecked")
    @Override
    protected void followJob() {
        if (jobId == null) {
            setPolling(false);
            return;
        }
        Optional<JobService.JobSummary> found = jobs.job(jobId);
        if (found.isEmpty()) {
            jobId = null;
            setPolling(false);
            return;
        }
        JobService.JobSummary j = found.get();
        Map<String, Object> result = j.result() == null ? Map.of() : j.result();
        List<EpochRow> rows = new ArrayList<>();
        List<Object> losses = (List<Object>) result.getOrDefault("epochLoss", List.of());
        List<Object> accuracies = (List<Object>) result.getOrDefault("epochAccuracy", List.of());
        for (int i = 0; i < losses.size() && i < accuracies.size(); i++) {
            rows.add(new EpochRow(i + 1, ((Number) losses.get(i)).doubleValue(), ((Number) accuracies.get(i)).doubleValue()));
        }
        int total = epochsOf(j, result);
        progress.setVisible(true);
        bar.setValue(Math.max(0, Math.min(1, j.progress())));
        String now;
        if (j.state().ended()) {
            now = "Training " + j.state().value();
        } else if (j.progress() <= 0 && rows.isEmpty()) {
            now = "Training queued: waiting for a worker";
        } else {
            int running = Math.min(total, rows.size() + 1);
            now = "Epoch " + running + " of " + total + String.format(Locale.US, " · %.0f %% done", 100 * j.progress());
            if (!rows.isEmpty()) {
                EpochRow last = rows.get(rows.size() - 1);
                now += String.format(Locale.US, " · last epoch: loss %.4f, accuracy %.1f %%", last.loss(),
                        100 * last.accuracy());
            }
        }
        progressText.setText(now);
        epochGrid.setItems(rows);
        epochGrid.setVisible(!rows.isEmpty());
        outcome.setText(outcome(j, result));
        start.setEnabled(j.state().ended());
        setPolling(!j.state().ended());
    }

    private static int epochsOf(JobService.JobSummary j, Map<String, Object> result) {
        Object e = result.get("epochs");
        if (e == null && j.parameters() != null) {
            e = j.parameters().get("epochs");
        }
        return e instanceof Number n ? n.intValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private String outcome(JobService.JobSummary j, Map<String, Object> result) {
        if (j.state().value().equals("failed")) {
            return "The training failed: " + (j.error() != null ? j.error()
                    : j.failedItems().isEmpty() ? "no reason was recorded" : j.failedItems().get(0).error());
        }
        if (!j.state().value().equals("succeeded") || !(result.get("modelId") instanceof Number id)) {
            return "";
        }
        Optional<ModelVersion> v = models.find(id.longValue());
        if (v.isEmpty()) {
            return "The trained version has been deleted since.";
        }
        StringBuilder s = new StringBuilder("New version: " + v.get().label());
        Map<String, Object> accuracy = (Map<String, Object>) result.getOrDefault("accuracy", Map.of());
        List<String> parts = new ArrayList<>();
        accuracy.forEach((splitName, a) -> parts.add(splitName + " accuracy "
                + String.format(Locale.US, "%.1f %%", 100 * ((Number) a).doubleValue())));
        if (!parts.isEmpty()) {
            s.append(" — ").append(String.join(", ", parts));
        }
        return s.toString();
    }

}
