package org.rationale.ui.model;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.TemporaryFileUploadHandler;
import jakarta.annotation.security.RolesAllowed;
import org.rationale.config.RationaleConfig;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.error.DomainError;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.model.TableEncoding;
import org.rationale.model.TabularSpec;
import org.rationale.model.TrainingService;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.Routes;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Uploads a TorchScript model to a project: the file (and optionally the same network traced as
 * features and classifier, for the CAM methods), the input spec as fields with normalisation presets,
 * the classes as the project names them, and how images of another size reach the model. A tabular
 * project's model comes with its features in input order and their standardisation instead
 * ({@link TabularSpecForm}), or a spec file that fills them. The model is loaded and run before
 * anything is stored; the result of that check (or why it failed) is shown, then the new version's
 * predictions on a few of the project's samples.
 */
@Route(value = Routes.MODEL_UPLOAD, layout = MainLayout.class)
@PageTitle("Upload a model · Rationale")
@RolesAllowed({Role.Name.ADMIN, Role.Name.ENGINEER})
public class ModelUploadView extends VerticalLayout implements BeforeEnterObserver {

    /** Per-channel normalisation presets: scale, then mean and std per channel. */
    private static final String PRESET_UNIT = "[0,1]";
    private static final String PRESET_IMAGENET = "ImageNet";
    private static final String PRESET_CUSTOM = "Custom";
    private static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    private static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);
    /** Channels shown for mean and std: three at most (RGB). */
    private static final int MAX_CHANNELS = 3;
    /** The project's samples the new version predicts after the upload. */
    private static final int PREVIEW_SAMPLES = 5;
    /** Largest spec file read: 10,000 features with their names and numbers fit many times over. */
    private static final int MAX_SPEC_BYTES = 4 * 1024 * 1024;

    private final ProjectService projects;
    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    private final TrainingService training;
    private final UploadBackground background;
    private final Access access;
    private final int maxFileSize;

    private Project project;
    /** The uploaded files by part (model, features, classifier), as temporary files until the form is sent. */
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final Map<String, Div> fileErrors = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    private final TextField name = new TextField("Model name");
    private final Select<Integer> channels = new Select<>();
    private final IntegerField height = new IntegerField("Height (pixels)");
    private final IntegerField width = new IntegerField("Width (pixels)");
    private final Select<String> preset = new Select<>();
    private final NumberField scale = new NumberField("Scale");
    private final List<NumberField> mean = new ArrayList<>();
    private final List<NumberField> std = new ArrayList<>();
    private final Select<String> fit = new Select<>();
    private final Select<String> interpolation = new Select<>();
    private final Button send = new Button("Upload and check", VaadinIcon.UPLOAD.create());
    private final Div formError = new Div();
    private final Div outcome = new Div();
    private final List<Component> fileRows = new ArrayList<>();
    private final Component inputForm;
    private final Component sizeForm;
    private final TabularSpecForm tabularForm = new TabularSpecForm();
    private final Component modelRow;
    private final Component specRow;
    private boolean settingPreset;
    private boolean tabular;

    public ModelUploadView(ProjectService projects, ModelService models, PredictionService predictions,
                           DatasetService datasets, TrainingService training, Access access, RationaleConfig config,
                           UploadBackground background) {
        this.background = background;
        this.projects = projects;
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
        this.training = training;
        this.access = access;
        this.maxFileSize = (int) Math.min(Integer.MAX_VALUE, config.upload().maxSize().asLongValue());
        addClassName("model-upload-view");
        setMaxWidth("1100px");
        // the form and its listeners are made once; each visit only loads the project and resets the values
        modelRow = fileRow("model", "TorchScript model (.pt)",
                "The whole network: the input described above in, one score per class out.", maxFileSize, null);
        fileRows.add(modelRow);
        fileRows.add(fileRow("features", "Features part (optional)", "The same network traced up to its last "
                + "convolution block; with the classifier part it enables Grad-CAM and Grad-CAM++.", maxFileSize, null));
        fileRows.add(fileRow("classifier", "Classifier part (optional)",
                "The rest of the network: features in, class scores out.", maxFileSize, null));
        specRow = fileRow("spec", "Spec file (optional)", "JSON with name, features, classes, mean and std, as the "
                + "API takes it: fills the fields below.", MAX_SPEC_BYTES, this::readSpec);
        inputForm = inputForm();
        sizeForm = sizeForm();
        send.setId("upload-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickListener(e -> submit());
        formError.setId("upload-form-error");
        formError.getStyle().set("color", "var(--lumo-error-text-color)");
        outcome.setId("upload-outcome");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        project = ProjectRoute.enter(event, projects, access, this, "Upload a model").orElse(null);
        if (project == null) {
            return;
        }
        tabular = project.modality == Modality.TABULAR;
        add(new Paragraph(tabular
                ? "A TorchScript file made with torch.jit.trace or torch.jit.script after model.eval(). It takes "
                + "N×F float32 rows, one value per feature listed below, each (value − mean) / std of its feature, "
                + "and returns N scores, one per class of the project in the project's order. Rationale loads and "
                + "runs it before anything is stored."
                : "A TorchScript file made with torch.jit.trace or torch.jit.script after model.eval(). "
                + "It takes N×C×H×W float32 tensors, each value (pixel · scale − mean) / std of its channel, and "
                + "returns N scores, one per class of the project in the project's order. Rationale loads and runs "
                + "it before anything is stored."));
        if (project.classNames.size() < 2) {
            Paragraph none = new Paragraph("This project names " + (project.classNames.isEmpty() ? "no classes"
                    : "only one class") + " yet. A model's outputs are the project's classes: import "
                    + (tabular ? "a table" : "a dataset") + " first, then upload the model here.");
            none.setId("upload-no-classes");
            add(none);
            return;
        }
        resetForm();
        add(new H3("Files"));
        if (tabular) {
            add(modelRow, specRow);
            add(new H3("Input"));
            add(tabularForm);
        } else {
            fileRows.forEach(this::add);
            add(new H3("Input"));
            add(inputForm);
        }
        add(new H3("Classes"));
        Div classes = new Div();
        classes.setId("upload-classes");
        classes.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-xs)");
        for (int i = 0; i < project.classNames.size(); i++) {
            Span c = new Span("output " + i + " → " + project.classNames.get(i));
            c.getElement().getThemeList().add("badge contrast");
            classes.add(c);
        }
        add(new Paragraph("Output i of the model stands for the project's class i, as named when the data was "
                + "imported:"), classes);
        if (!tabular) {
            add(new H3("Images of another size"));
            add(sizeForm);
        }
        add(send, formError, outcome);
    }

    /** A new visit starts from an empty form: no files, no outcome, the values the project's images suggest. */
    private void resetForm() {
        discardFiles();
        uploads.values().forEach(Upload::clearFileList);
        fileErrors.values().forEach(d -> d.setText(""));
        formError.setText("");
        outcome.removeAll();
        if (tabular) {
            tabularForm.reset(TableEncoding.allInputs(datasets.tableColumns(project.id)));
            return;
        }
        name.setValue("uploaded-model");
        Sample first = firstSample();
        // the project's images suggest the size and channels; a model may differ and say so here
        channels.setValue(first == null || first.channels != 3 ? 1 : 3);
        height.setValue(first == null ? 224 : first.height);
        width.setValue(first == null ? 224 : first.width);
        preset.setValue(channels.getValue() == 3 ? PRESET_IMAGENET : PRESET_UNIT);
        showChannels();
        fit.setValue(InputSpec.CENTER_CROP);
        interpolation.setValue("bilinear");
        for (HasValidation f : List.<HasValidation>of(name, channels, height, width, scale)) {
            f.setInvalid(false);
        }
        mean.forEach(f -> f.setInvalid(false));
        std.forEach(f -> f.setInvalid(false));
    }

    /**
     * A file field: the file kept as a temporary file by part until the form is sent, at most
     * {@code maxBytes}; {@code arrived}, when given, is told of each file as it arrives (on the page's thread).
     */
    private Component fileRow(String part, String label, String help, int maxBytes, Consumer<File> arrived) {
        Upload upload = new Upload(new TemporaryFileUploadHandler((meta, file) -> {
            File earlier = files.put(part, file);
            if (earlier != null && !earlier.equals(file)) {
                delete(earlier);
            }
            if (arrived != null) {
                arrived.accept(file);
            }
        }) {
            @Override
            public long getFileSizeMax() {
                return maxBytes;
            }
        });
        upload.setId("upload-" + part);
        uploads.put(part, upload);
        upload.setMaxFiles(1);
        upload.setMaxFileSize(maxBytes);
        upload.setDropAllowed(true);
        Div error = new Div();
        error.setId("upload-" + part + "-error");
        error.addClassName("field-error");
        error.getStyle().set("color", "var(--lumo-error-text-color)").set("font-size", "var(--lumo-font-size-s)");
        fileErrors.put(part, error);
        upload.addFileRejectedListener(e -> error.setText(e.getFileName() + ": " + e.getErrorMessage()
                + " (at most " + (maxBytes / (1024 * 1024)) + " MB)"));
        upload.addSucceededListener(e -> error.setText(""));
        upload.addFileRemovedListener(e -> {
            File f = files.remove(part);
            if (f != null) {
                delete(f);
            }
        });
        Span title = new Span(label);
        title.getStyle().set("font-weight", "600");
        Span hint = new Span(help);
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        VerticalLayout text = new VerticalLayout(title, hint, error);
        text.setPadding(false);
        text.setSpacing(false);
        text.setWidth("360px");
        HorizontalLayout row = new HorizontalLayout(text, upload);
        row.setWidthFull();
        upload.setWidth("420px");
        return row;
    }

    private Component inputForm() {
        name.setId("upload-name");
        name.setHelperText("Versions of one name are numbered v1, v2, …");
        channels.setLabel("Channels");
        channels.setId("upload-channels");
        channels.setItems(1, 3);
        channels.setItemLabelGenerator(c -> c == 1 ? "1 (gray)" : "3 (RGB)");
        channels.setHelperText("Gray images are repeated into 3 channels, colour ones made gray by luma");
        height.setId("upload-height");
        width.setId("upload-width");
        height.setMin(1);
        width.setMin(1);
        preset.setLabel("Normalisation");
        preset.setId("upload-preset");
        preset.setItems(PRESET_UNIT, PRESET_IMAGENET, PRESET_CUSTOM);
        preset.setItemLabelGenerator(p -> p.equals(PRESET_UNIT) ? "[0,1]: pixel / 255"
                : p.equals(PRESET_IMAGENET) ? "ImageNet: pixel / 255, then torchvision's mean and std" : "Custom");
        scale.setId("upload-scale");
        scale.setHelperText("Each pixel (0–255) is multiplied by this first");
        for (int c = 0; c < MAX_CHANNELS; c++) {
            String channel = c == 0 ? "R / gray" : c == 1 ? "G" : "B";
            NumberField m = new NumberField("Mean " + channel);
            m.setId("upload-mean-" + c);
            NumberField s = new NumberField("Std " + channel);
            s.setId("upload-std-" + c);
            m.addValueChangeListener(e -> markCustom());
            s.addValueChangeListener(e -> markCustom());
            mean.add(m);
            std.add(s);
        }
        scale.addValueChangeListener(e -> markCustom());
        channels.addValueChangeListener(e -> showChannels());
        preset.addValueChangeListener(e -> applyPreset(e.getValue()));
        FormLayout f = new FormLayout(name, channels, height, width, preset, scale);
        f.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("700px", 3));
        FormLayout perChannel = new FormLayout();
        perChannel.add(mean.toArray(new Component[0]));
        perChannel.add(std.toArray(new Component[0]));
        perChannel.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("700px", 3));
        Div all = new Div(f, perChannel);
        all.setWidthFull();
        return all;
    }

    private Component sizeForm() {
        fit.setLabel("Fit");
        fit.setId("upload-fit");
        fit.setItems(InputSpec.CENTER_CROP, InputSpec.RESIZE, InputSpec.PAD);
        fit.setItemLabelGenerator(ModelUploadView::fitLabel);
        fit.setWidth("520px");
        interpolation.setLabel("Interpolation");
        interpolation.setId("upload-interpolation");
        interpolation.setItems("bilinear", "nearest");
        interpolation.setItemLabelGenerator(i -> i.equals("bilinear") ? "Bilinear (smooth; photographs, scans)"
                : "Nearest neighbour (keeps hard edges; masks, pixel art)");
        interpolation.setWidth("420px");
        HorizontalLayout row = new HorizontalLayout(fit, interpolation);
        Paragraph note = new Paragraph("An image whose size differs from the model's is brought to the model's "
                + "height × width this way before every prediction and map; the review canvas and the masks stay in the "
                + "image's own pixels, and maps are mapped back onto them.");
        note.getStyle().set("color", "var(--lumo-secondary-text-color)");
        Div all = new Div(row, note);
        all.setWidthFull();
        return all;
    }

    private static String fitLabel(String f) {
        if (f.equals("center-crop")) {
            return "Centre crop: resize the shorter side, cut the centre (default)";
        }
        if (f.equals("resize")) {
            return "Resize: stretch to height × width (proportions change)";
        }
        return "Pad: fit the longer side, fill the rest with the mean colour";
    }

    private Sample firstSample() {
        List<Sample> s = datasets.samples(project.id, null, null, 0, 1).items();
        return s.isEmpty() ? null : s.get(0);
    }

    private void showChannels() {
        int n = channels.getValue() == null ? 1 : channels.getValue();
        for (int c = 0; c < MAX_CHANNELS; c++) {
            mean.get(c).setVisible(c < n);
            std.get(c).setVisible(c < n);
        }
        mean.get(0).setLabel(n == 1 ? "Mean" : "Mean R");
        std.get(0).setLabel(n == 1 ? "Std" : "Std R");
        if (preset.getValue() != null && !preset.getValue().equals(PRESET_CUSTOM)) {
            applyPreset(preset.getValue());
        }
    }

    private void applyPreset(String p) {
        if (p == null || p.equals(PRESET_CUSTOM)) {
            return;
        }
        settingPreset = true;
        try {
            int n = channels.getValue() == null ? 1 : channels.getValue();
            scale.setValue(1 / 255.0);
            for (int c = 0; c < MAX_CHANNELS; c++) {
                boolean imagenet = p.equals(PRESET_IMAGENET);
                // one gray channel under ImageNet: the mean of the three channels' figures
                double m = !imagenet ? 0 : n == 1 ? 0.449 : IMAGENET_MEAN.get(c);
                double s = !imagenet ? 1 : n == 1 ? 0.226 : IMAGENET_STD.get(c);
                mean.get(c).setValue(m);
                std.get(c).setValue(s);
            }
        } finally {
            settingPreset = false;
        }
    }

    private void markCustom() {
        if (!settingPreset && preset.getValue() != null && !preset.getValue().equals(PRESET_CUSTOM)) {
            preset.setValue(PRESET_CUSTOM);
        }
    }

    /**
     * The input spec the form describes, as the model registry takes it: name, channels, size,
     * scale, mean and std per channel, and the project's classes. The fit and interpolation the
     * form asks for join it here once {@link InputSpec} carries them.
     */
    private InputSpec inputSpec() {
        int n = channels.getValue();
        List<Double> m = new ArrayList<>();
        List<Double> s = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            m.add(mean.get(c).getValue());
            s.add(std.get(c).getValue());
        }
        return new InputSpec(name.getValue().strip(), n, height.getValue(), width.getValue(), scale.getValue(), m, s,
                List.copyOf(project.classNames), fit.getValue(), interpolation.getValue());
    }

    /** Every problem of the form at once, each at its field; true when there is none. */
    private boolean checkForm() {
        if (tabular) {
            fileErrors.values().forEach(d -> d.setText(""));
            if (!files.containsKey("model")) {
                fileErrors.get("model").setText("Choose the TorchScript file of the model");
                return false;
            }
            return true;
        }
        boolean ok = true;
        ok &= check(name, name.getValue() == null || name.getValue().isBlank(), "Give the model a name");
        ok &= check(channels, channels.getValue() == null, "Choose 1 or 3 channels");
        ok &= check(height, height.getValue() == null || height.getValue() < 1 || height.getValue() > 4096,
                "A whole number of pixels from 1 to 4096");
        ok &= check(width, width.getValue() == null || width.getValue() < 1 || width.getValue() > 4096,
                "A whole number of pixels from 1 to 4096");
        ok &= check(scale, scale.getValue() == null || !(scale.getValue() > 0) || scale.getValue().isInfinite(),
                "A positive number (1/255 = 0.00392… maps pixels to [0, 1])");
        int n = channels.getValue() == null ? 1 : channels.getValue();
        for (int c = 0; c < MAX_CHANNELS; c++) {
            Double m = mean.get(c).getValue();
            Double s = std.get(c).getValue();
            ok &= check(mean.get(c), c < n && (m == null || m.isNaN() || m.isInfinite()), "A number");
            ok &= check(std.get(c), c < n && (s == null || !(s > 0) || s.isInfinite()), "A positive number");
        }
        fileErrors.values().forEach(d -> d.setText(""));
        if (!files.containsKey("model")) {
            fileErrors.get("model").setText("Choose the TorchScript file of the model");
            ok = false;
        }
        if (files.containsKey("features") != files.containsKey("classifier")) {
            String missing = files.containsKey("features") ? "classifier" : "features";
            fileErrors.get(missing).setText("The " + missing + " part is missing: send both parts of the split, "
                    + "or neither");
            ok = false;
        }
        return ok;
    }

    private static boolean check(HasValidation field, boolean bad, String message) {
        field.setInvalid(bad);
        field.setErrorMessage(bad ? message : null);
        return !bad;
    }

    private void submit() {
        formError.setText("");
        outcome.removeAll();
        if (!checkForm()) {
            formError.setText("Please correct the fields marked in red.");
            return;
        }
        ModelVersion v;
        try {
            access.requireProject(project.id);
            if (tabular) {
                TabularSpec spec = tabularForm.spec(project.classNames,
                        (n, f) -> training.standardisedOnTraining(project.id, n, f));
                if (spec == null) {
                    formError.setText("Please correct the fields marked in red.");
                    return;
                }
                v = models.uploadTabular(project.id, spec, read("model"));
            } else {
                InputSpec spec = inputSpec().validated();
                v = models.upload(project.id, spec, read("model"), read("features"), read("classifier"));
            }
        } catch (DomainError e) {
            showRefusal(e);
            return;
        }
        showAccepted(v);
    }

    /** A refusal at the field it concerns: the spec's fields by the field the reason names, the engine's at the file. */
    private void showRefusal(DomainError e) {
        String detail = e.detail() == null ? "" : e.detail();
        HasValidation field = null;
        if (tabular) {
            if (!tabularForm.showRefusal(e)) {
                fileErrors.get("model").setText(e.describe());
            }
            formError.setText("Nothing was stored: " + e.describe());
            return;
        }
        if ("Invalid model spec".equals(e.error())) {
            field = detail.startsWith("name") ? name : detail.startsWith("channels") ? channels
                    : detail.startsWith("height") ? height : detail.startsWith("scale") ? scale
                    : detail.startsWith("std") ? std.get(0) : detail.startsWith("mean") ? mean.get(0) : null;
        }
        if (field != null) {
            field.setInvalid(true);
            field.setErrorMessage(detail);
        } else if ("Incomplete model split".equals(e.error())) {
            fileErrors.get(files.containsKey("features") ? "classifier" : "features").setText(detail);
        } else {
            fileErrors.get("model").setText(e.describe());
        }
        formError.setText("Nothing was stored: " + e.describe());
    }

    /** The accuracy measured on held-out samples, in words; red when it is no better than the commonest class. */
    private static void showHeldOut(Paragraph measured, PredictionService.HeldOutAccuracy held, boolean rows) {
        if (held == null) {
            measured.setText("Its accuracy was not measured: the project has no labelled "
                    + (rows ? "rows" : "images") + " it could read.");
            return;
        }
        measured.setText(String.format(Locale.US, "On %,d %s %s it is right for %,d (%.1f %%); always answering the "
                        + "commonest class would be right for %.1f %%.%s", held.samples(), held.split(),
                rows ? "rows" : "images", held.correct(), 100 * held.accuracy(), 100 * held.majorityShare(),
                !held.noBetterThanMajority() ? "" : rows
                        ? " That is no better: are the features listed in the order the model reads them, "
                        + "and standardised as it was trained?"
                        : " That is no better: are the scale, mean and std those it was trained with, "
                        + "and the classes in its output order?"));
        if (held.noBetterThanMajority()) {
            measured.getStyle().set("color", "var(--lumo-error-text-color)");
        }
    }

    private void showAccepted(ModelVersion v) {
        Div ok = new Div();
        ok.setId("upload-accepted");
        ok.add(new H3("Stored as " + v.label()));
        ok.add(new Paragraph(tabular
                ? "The check passed: the model loaded, answered three rows (every feature at its mean, and two "
                + "spread about it) with one finite score per class (" + project.classNames.size() + "), gave the "
                + "same scores again, and the same for each row alone as in the batch."
                : "The check passed: the model loaded, answered a batch of two black images with one "
                + "finite score per class (" + project.classNames.size() + "), gave the same scores again"
                + (v.supportsCam ? ", and classifier(features(x)) matched the whole model: Grad-CAM methods can run."
                : "; without the features/classifier split the CAM methods stay off.")));
        Paragraph measured = new Paragraph("Measuring its accuracy on the project's labelled "
                + (tabular ? "rows" : "images") + " …");
        measured.setId("upload-held-out");
        ok.add(measured);
        UI page = UI.getCurrent();
        boolean rows = tabular;
        if (!background.run(() -> {
            PredictionService.HeldOutAccuracy held = predictions.heldOutAccuracyOrNone(v);
            try {
                page.access(() -> showHeldOut(measured, held, rows));
            } catch (UIDetachedException e) {
                // the page was closed: nobody to tell
            }
        })) {
            measured.setText("Its accuracy was not measured: the server is busy measuring other uploads.");
        }
        List<Sample> samples = datasets.samples(project.id, Split.TEST, null, 0, PREVIEW_SAMPLES).items();
        if (samples.isEmpty()) {
            samples = datasets.samples(project.id, Split.TRAIN, null, 0, PREVIEW_SAMPLES).items();
        }
        UnorderedList list = new UnorderedList();
        list.setId("upload-predictions");
        for (Sample s : samples) {
            try {
                Prediction p = predictions.compute(s, v);
                list.add(new ListItem(String.format(Locale.US, "Sample %d (%s, labelled %s): predicts %s, %.0f %%",
                        s.id, s.split, project.className(s.label), p.predictedClass(), 100 * p.confidence())));
            } catch (DomainError e) {
                list.add(new ListItem("Sample " + s.id + (tabular ? "" : " (" + s.width + "×" + s.height + ")") + ": "
                        + e.describe()));
            }
        }
        if (!samples.isEmpty()) {
            ok.add(new Paragraph("Its predictions on the project's first samples:"), list);
        }
        Button sanity = new Button("Run its sanity checks", VaadinIcon.CHECK_CIRCLE_O.create(),
                e -> getUI().ifPresent(ui -> ui.navigate(Routes.of(Routes.SANITY, project.id))));
        sanity.setId("upload-to-sanity");
        ok.add(sanity);
        outcome.add(ok);
        discardFiles();
        uploads.values().forEach(Upload::clearFileList);
    }

    /** A spec file fills the tabular form, or says at its field why it cannot; it is not kept. */
    private void readSpec(File file) {
        files.remove("spec");
        Div error = fileErrors.get("spec");
        try {
            TabularSpec spec = TabularSpec.parse(Files.readString(file.toPath()));
            List<String> ours = project.classNames;
            if (spec.classes().size() < ours.size() || !spec.classes().subList(0, ours.size()).equals(ours)) {
                error.setText("The spec's classes are " + spec.classes() + " but this project's are " + ours
                        + ": output i of the model must stand for the project's class i. The fields were not filled.");
                return;
            }
            tabularForm.fill(spec);
            error.setText("");
        } catch (DomainError e) {
            error.setText(e.describe());
        } catch (IOException | RuntimeException e) {
            error.setText("Not a spec: the file is not UTF-8 JSON text");
        } finally {
            delete(file);
        }
    }

    private byte[] read(String part) {
        File f = files.get(part);
        if (f == null) {
            return null;
        }
        try {
            return Files.readAllBytes(f.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void discardFiles() {
        files.values().forEach(ModelUploadView::delete);
        files.clear();
    }

    private static void delete(File f) {
        try {
            Files.deleteIfExists(f.toPath());
        } catch (IOException e) {
            f.deleteOnExit();
        }
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        discardFiles();
    }
}
