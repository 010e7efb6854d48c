package org.rationale.ui.dataset;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.TemporaryFileUploadHandler;
import jakarta.annotation.security.PermitAll;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetImporter;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.ImportPreview;
import org.rationale.dataset.ImportProgress;
import org.rationale.dataset.InvalidDatasetException;
import org.rationale.dataset.Split;
import org.rationale.dataset.TableColumn;
import org.rationale.dataset.TablePreview;
import org.rationale.error.DomainError;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.security.Access;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.PlatformModel;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.ProjectsView;
import org.rationale.ui.Routes;

import java.io.File;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Import into a project from the browser: a zip of class folders or an IDX pair (images projects),
 * or a CSV table (tabular projects, with its label and id columns chosen from its header), is
 * uploaded (with the upload's own progress bar) to a temporary file, checked as the import would
 * check it (every problem of single files or rows at once) and its classes set against the
 * project's; after the person confirms, it is imported off the UI thread with the samples stored so
 * far shown. Nothing is stored unless everything is; the dataset's origin is "upload:" and the
 * file's own name.
 */
@Route(value = Routes.IMPORT, layout = MainLayout.class)
@PermitAll
public class ImportView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private static final Logger LOG = Logger.getLogger(ImportView.class);
    private static final NumberFormat COUNT = NumberFormat.getIntegerInstance(Locale.US);
    private static final String ZIP = "zip";
    private static final String IDX = "idx";
    private static final String CSV = "csv";
    /** Column names taken for the label column when the header has one (ignoring case), before the last column. */
    private static final List<String> LABEL_NAMES = List.of("label", "class", "target", "diagnosis", "outcome", "y");
    /** Least time between two progress updates pushed to the browser. */
    private static final long PUSH_MILLIS = 150;

    private final ProjectService projects;
    private final DatasetService datasets;
    private final DatasetImporter importer;
    private final ImportBackground background;
    private final Access access;
    private final long maxUploadBytes;

    private Project project;
    private final RadioButtonGroup<String> kind = new RadioButtonGroup<>();
    private final RadioButtonGroup<Split> split = new RadioButtonGroup<>();
    private final TextField name = new TextField("Dataset name");
    private final TextField classNames = new TextField("Class names (optional)");
    private final Select<String> labelColumn = new Select<>();
    private final Select<String> idColumn = new Select<>();
    private final HorizontalLayout columnChoice = new HorizontalLayout(labelColumn, idColumn);
    /** The column choices are being filled from a header: their changes start no check. */
    private boolean fillingColumns;
    private final Div uploads = new Div();
    private final Div problems = new Div();
    private final ProgressBar progressBar = new ProgressBar();
    private final Span progressText = new Span();
    private final Div preview = new Div();
    private final Button importButton = new Button("Import", VaadinIcon.UPLOAD.create());
    private final Div result = new Div();
    private final Paragraph projectClasses = new Paragraph();
    private final Span locked = new Span();
    private final List<Upload> uploadFields = new ArrayList<>();
    private final UploadedFiles files = new UploadedFiles();

    private Uploaded archive;
    private Uploaded images;
    private Uploaded labels;
    private Uploaded table;
    private String autoName;
    private ImportPreview checked;
    /** The check an import started from, shown again when the import fails for a reason the person can fix. */
    private ImportPreview retry;
    /** A check or an import of the current generation runs. */
    private boolean busy;
    /**
     * The generation of the import that locked the form, -1 when none did: the form is locked while
     * that import is the current task, so an import made stale (another project entered in this
     * reused view) locks nothing.
     */
    private long importingGeneration = -1;
    /**
     * Counts the checks and imports started and the changes that make them stale (another file, the
     * other kind, leaving the page): a task's progress and outcome are shown only while its generation
     * is the current one; a stale check stops at its next progress report. Written on the UI thread,
     * read by the tasks.
     */
    private final AtomicLong generation = new AtomicLong();

    /** A file received by an upload: where it lies and the name the person knows it by. */
    private record Uploaded(File file, String name) {
    }

    public ImportView(ProjectService projects, DatasetService datasets, DatasetImporter importer,
                      ImportBackground background, Access access, RationaleConfig config) {
        this.projects = projects;
        this.datasets = datasets;
        this.importer = importer;
        this.background = background;
        this.access = access;
        this.maxUploadBytes = config.upload().maxSize().asLongValue();
        addClassName("import-view");
        kind.setLabel("What are you uploading?");
        kind.setItems(ZIP, IDX);
        kind.setItemLabelGenerator(k -> k.equals(ZIP) ? "A zip of class folders"
                : k.equals(CSV) ? "A CSV table (one row per sample)" : "An IDX pair (images + labels)");
        kind.setId("import-kind");
        kind.setValue(ZIP);
        kind.addValueChangeListener(e -> {
            if (project != null && !importing()) {
                showUploads();
            }
        });

        split.setLabel("Into the split");
        split.setItems(Split.TRAIN, Split.VALIDATION, Split.TEST);
        split.setItemLabelGenerator(Split::value);
        split.setValue(Split.TRAIN);
        split.setId("import-split");
        split.addValueChangeListener(e -> updateImportButton());
        split.setHelperText("Training data teaches the model, validation data tunes it, test data measures it.");

        name.setId("import-name");
        name.setHelperText("Default: the file name");
        name.setWidth("22em");
        name.setMaxLength(200);
        name.setValueChangeMode(ValueChangeMode.LAZY);
        name.addValueChangeListener(e -> checkName());

        classNames.setId("import-class-names");
        classNames.setPlaceholder("T-shirt, Trouser, Pullover, …");
        classNames.setHelperText("Comma-separated, by label number (label 0 first). Empty: the project's names, "
                + "or the numbers for labels it does not have yet.");
        classNames.setWidth("36em");
        classNames.setValueChangeMode(ValueChangeMode.LAZY);
        classNames.setValueChangeTimeout(600);
        classNames.addValueChangeListener(e -> {
            if (project != null && IDX.equals(kind.getValue()) && !importing()) {
                checkIdx();
            }
        });

        labelColumn.setLabel("Label column");
        labelColumn.setId("import-label-column");
        labelColumn.setHelperText("Its values are the classes");
        labelColumn.addValueChangeListener(e -> columnsChosen());
        idColumn.setLabel("Id column (optional)");
        idColumn.setId("import-id-column");
        idColumn.setEmptySelectionAllowed(true);
        idColumn.setEmptySelectionCaption("None: rows are named by their number");
        idColumn.setHelperText("Unique values naming each row");
        idColumn.addValueChangeListener(e -> columnsChosen());
        columnChoice.setId("import-columns");
        columnChoice.addClassName("import-columns");
        columnChoice.setVisible(false);

        problems.setId("import-problems");
        problems.addClassName("import-problems");
        problems.getElement().setAttribute("role", "alert");
        problems.setVisible(false);
        progressBar.setId("import-progress");
        progressBar.setWidth("28em");
        progressText.setId("import-progress-text");
        progressText.addClassName("import-progress-text");
        progressBar.setVisible(false);

        preview.setId("import-preview");
        preview.addClassName("import-preview");
        importButton.setId("import-button");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        importButton.addClickListener(e -> startImport());
        importButton.setEnabled(false);
        result.setId("import-result");
        result.addClassName("import-result");
        locked.setId("import-locked");
        locked.addClassName("import-locked");
        locked.setText("The form is locked while the import runs: it stores the files, kind and split it was started "
                + "with. Upload the next file when it has ended.");
        locked.setVisible(false);
    }

    @Override
    public String getPageTitle() {
        return (project == null ? "Import" : project.name + " · import") + " · Rationale";
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        // an import started before (this view reused for another project) ends unseen: its lock goes with it
        generation.incrementAndGet();
        busy = false;
        lock(false);
        project = null;
        Project resolved = ProjectRoute.resolve(event, projects, access, this).orElse(null);
        if (resolved == null) {
            return;
        }
        // a tabular project takes tables only, an images project images only
        boolean tabular = resolved.modality == Modality.TABULAR;
        kind.setItems(tabular ? List.of(CSV) : List.of(ZIP, IDX));
        kind.setValue(tabular ? CSV : ZIP);
        project = resolved;
        RouterLink back = new RouterLink("← Projects", ProjectsView.class);
        Anchor samples = new Anchor(Routes.of(Routes.SAMPLES, project.id), "Samples of " + project.name);
        HorizontalLayout links = new HorizontalLayout(back, samples);
        add(links, new H2("Import data · " + project.name));
        Caller caller = access.caller();
        if (!caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)) {
            Paragraph why = new Paragraph("Only administrators and engineers can import data. You are logged in as '"
                    + caller.username() + "' (" + (caller.role() == null ? "no role" : caller.role().value())
                    + "). Ask an engineer of this project to import, or an administrator to change your role.");
            why.setId("import-not-allowed");
            why.addClassName("empty-state");
            add(why);
            return;
        }
        add(tabular ? tableHowTo() : howTo());
        projectClasses.setId("project-classes");
        showProjectClasses();
        add(projectClasses);

        HorizontalLayout form = new HorizontalLayout(kind, split, name);
        form.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.START);
        form.addClassName("import-form");
        uploads.setId("uploads");
        uploads.addClassName("import-uploads");

        Div progress = new Div(progressText, progressBar);
        progress.addClassName("import-progress");
        add(form, locked, uploads, problems, progress, preview, importButton, result);
        showUploads();
    }

    /** What an upload must look like: the page says it before anything is uploaded. */
    private Component howTo() {
        Div help = new Div();
        help.addClassName("import-help");
        help.setId("import-help");
        help.add(new Paragraph("A zip of class folders: each top-level folder is one class, named as the class, "
                + "holding that class's images as PNG or JPEG files of any size (photographs of 224–1024 pixels "
                + "are fine). One folder around the class folders is allowed; hidden files and __MACOSX are "
                + "skipped."));
        help.add(new Pre("animals.zip\n├── cat/   img001.jpg  img002.png  …\n├── dog/   …\n└── horse/ …"));
        help.add(new Paragraph("Images are stored pixel for pixel as uploaded, never resized: a model's input "
                + "spec says how an image of another size reaches it. Gray images stay one channel; colour, "
                + "palette and RGBA images become RGB (alpha is dropped). A model that takes 3 channels gets "
                + "gray images repeated on all three; one that takes 1 channel gets the luma of colour images."));
        help.add(new Paragraph("Or an IDX pair as MNIST and Fashion-MNIST ship them: an image file "
                + "(…-images-idx3-ubyte) and a label file (…-labels-idx1-ubyte), raw or gzipped, with optional "
                + "class names by label. Files up to " + megabytes(maxUploadBytes) + " each "
                + "(rationale.upload.max-size). Nothing is stored unless every image is."));
        return help;
    }

    /** What a table must look like, said before anything is uploaded. */
    private Component tableHowTo() {
        Div help = new Div();
        help.addClassName("import-help");
        help.setId("import-help");
        help.add(new Paragraph("A CSV table: the first row names the columns, every further row is one sample. "
                + "One column holds each row's class (the label column, chosen after the upload); optionally one "
                + "names each row with unique values (an id column). Every other column is a feature: numeric when "
                + "every cell is a number, boolean when every cell is true or false, else categorical (at most 200 "
                + "categories)."));
        help.add(new Pre("patient,age,site,smoker,diagnosis\nP-0001,61,B,true,malignant\nP-0002,34.5,A,false,benign"));
        help.add(new Paragraph("UTF-8 (\"CSV UTF-8\" in spreadsheet programs), commas between cells, double quotes "
                + "around a cell that holds a comma. Every cell needs a value: empty cells and NA, N/A, ?, null or "
                + "NaN are refused, naming row and column. A later table of this project needs the same feature "
                + "columns. Files up to " + megabytes(maxUploadBytes) + " (rationale.upload.max-size). Nothing is "
                + "stored unless every row is."));
        return help;
    }

    private void showProjectClasses() {
        List<String> names = projects.find(project.id).map(p -> p.classNames).orElse(List.of());
        if (names.isEmpty()) {
            projectClasses.setText("This project has no classes yet: the classes of your upload become its classes.");
        } else {
            List<String> numbered = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                numbered.add(i + " " + names.get(i));
            }
            projectClasses.setText("This project's classes: " + String.join(" · ", numbered)
                    + (project.modality == Modality.TABULAR
                    ? ". A table's label values join the class of the same name (names must match exactly); other "
                    + "values become new classes."
                    : ". A zip's folders join the class of the same name (names must match exactly); other "
                    + "folders become new classes. IDX labels keep their numbers."));
        }
    }

    private void showUploads() {
        discard();
        uploads.removeAll();
        uploadFields.clear();
        clearChecked();
        showProblems(List.of());
        columnChoice.setVisible(false);
        if (CSV.equals(kind.getValue())) {
            uploads.add(upload("table-upload", "CSV table (UTF-8, a header row naming the columns)", u -> table = u,
                    () -> table, ".csv", "text/csv"), columnChoice);
        } else if (ZIP.equals(kind.getValue())) {
            uploads.add(upload("archive-upload", "Zip of class folders", u -> archive = u, () -> archive,
                    ".zip", "application/zip", "application/x-zip-compressed"));
        } else {
            uploads.add(upload("images-upload", "Image file (idx3-ubyte, raw or .gz)", u -> images = u, () -> images),
                    upload("labels-upload", "Label file (idx1-ubyte, raw or .gz)", u -> labels = u, () -> labels),
                    classNames);
        }
    }

    private Component upload(String id, String label, Consumer<Uploaded> received,
                             Supplier<Uploaded> current, String... accepted) {
        TemporaryFileUploadHandler handler = new TemporaryFileUploadHandler((meta, file) -> {
            if (!isAttached() || importing()) {
                // the page was left, or the form is locked (an upload that slipped past the disabled field)
                files.release(file.toPath());
                if (importing()) {
                    showProblems(List.of(fileName(meta.fileName()) + " was not kept: an import is running. Upload it "
                            + "again when the import has ended."));
                }
                return;
            }
            Uploaded previous = current.get();
            if (previous != null) {
                delete(previous);
            }
            Uploaded u = new Uploaded(file, fileName(meta.fileName()));
            received.accept(u);
            fileArrived(u);
        }) {
            @Override
            public long getFileSizeMax() {
                return maxUploadBytes;
            }
        };
        Upload upload = new Upload(handler);
        upload.setId(id);
        uploadFields.add(upload);
        upload.setMaxFiles(1);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, maxUploadBytes));
        if (accepted.length > 0) {
            upload.setAcceptedFileTypes(accepted);
        }
        upload.setDropLabel(new Span("Drop the file here, or"));
        upload.addFileRejectedListener(e -> showProblems(List.of(rejection(e.getFileName(), e.getErrorMessage()))));
        upload.addFailedListener(e -> showProblems(List.of("The upload of " + e.getFileName() + " failed"
                + (e.getReason() == null || e.getReason().getMessage() == null ? "" : ": " + e.getReason().getMessage())
                + ". Try again; a file over " + megabytes(maxUploadBytes) + " is refused.")));
        upload.addFileRemovedListener(e -> {
            if (importing()) {
                return;
            }
            Uploaded u = current.get();
            if (u != null) {
                delete(u);
                received.accept(null);
            }
            clearChecked();
        });
        Span caption = new Span(label);
        caption.addClassName("upload-caption");
        Div box = new Div(caption, upload);
        box.addClassName("upload-box");
        return box;
    }

    private String rejection(String file, String why) {
        if (why != null && why.toLowerCase(Locale.ROOT).contains("big")) {
            return file + " is larger than " + megabytes(maxUploadBytes) + ", the upload limit "
                    + "(rationale.upload.max-size). Split it into several zips, or ask an administrator to import "
                    + "it from a folder on the server.";
        }
        if (why != null && why.toLowerCase(Locale.ROOT).contains("type")) {
            return CSV.equals(kind.getValue()) ? file + " is not a .csv file. Export the table as CSV (UTF-8)."
                    : file + " is not a .zip file. Upload a zip of class folders, or choose \"An IDX pair\" above.";
        }
        return file + " was refused: " + why;
    }

    private void fileArrived(Uploaded u) {
        showProblems(List.of());
        result.removeAll();
        // an IDX pair is named after its image file, whichever of the two arrives last
        Uploaded named = IDX.equals(kind.getValue()) ? images : u;
        String suggested = named == null ? null : DatasetImporter.defaultName(named.name());
        if (suggested != null && (name.getValue().isBlank() || name.getValue().equals(autoName))) {
            name.setValue(suggested);
            autoName = suggested;
        }
        if (CSV.equals(kind.getValue())) {
            readHeader();
        } else if (ZIP.equals(kind.getValue())) {
            checkArchive();
        } else {
            checkIdx();
        }
    }

    private void checkArchive() {
        clearChecked();
        retry = null;
        Uploaded a = archive;
        if (a == null) {
            return;
        }
        runInBackground("Checking " + a.name(), false, List.of(a), progress -> importer.previewArchive(project.id,
                new DatasetImporter.NamedFile(a.file().toPath(), a.name()), progress), this::showPreview);
    }

    private void checkIdx() {
        clearChecked();
        retry = null;
        Uploaded i = images;
        Uploaded l = labels;
        if (i == null || l == null) {
            if (i != null || l != null) {
                progressText.setText((i == null ? "Now the image file" : "Now the label file") + " of the pair.");
            }
            return;
        }
        String given = classNames.getValue();
        runInBackground("Checking " + i.name() + " and " + l.name(), false, List.of(i, l),
                progress -> importer.previewIdx(project.id,
                new DatasetImporter.NamedFile(i.file().toPath(), i.name()),
                new DatasetImporter.NamedFile(l.file().toPath(), l.name()), given), this::showPreview);
    }

    /** Reads the table's header and offers its columns as the label and id column, then checks the table. */
    private void readHeader() {
        clearChecked();
        retry = null;
        Uploaded t = table;
        if (t == null) {
            return;
        }
        List<String> header;
        try {
            header = importer.tableHeader(new DatasetImporter.NamedFile(t.file().toPath(), t.name()));
        } catch (DomainError e) {
            columnChoice.setVisible(false);
            showProblems(List.of(e.describe()));
            return;
        }
        fillingColumns = true;
        labelColumn.setItems(header);
        idColumn.setItems(header);
        labelColumn.setValue(header.stream().filter(h -> LABEL_NAMES.contains(h.toLowerCase(Locale.ROOT))).findFirst()
                .orElse(header.get(header.size() - 1)));
        idColumn.setValue(header.stream().filter(h -> h.equalsIgnoreCase("id")).findFirst().orElse(null));
        fillingColumns = false;
        columnChoice.setVisible(true);
        checkTable();
    }

    private void columnsChosen() {
        if (!fillingColumns && project != null && CSV.equals(kind.getValue()) && !importing()) {
            checkTable();
        }
    }

    private void checkTable() {
        clearChecked();
        retry = null;
        Uploaded t = table;
        String label = labelColumn.getValue();
        String id = idColumn.getValue();
        if (t == null || label == null) {
            return;
        }
        if (label.equals(id)) {
            showProblems(List.of("'" + label + "' cannot be both the label and the id column: choose another id "
                    + "column, or none."));
            return;
        }
        runInBackground("Checking " + t.name(), false, List.of(t), progress -> importer.previewTable(project.id,
                new DatasetImporter.NamedFile(t.file().toPath(), t.name()), label, id, progress), this::showTablePreview);
    }

    /** The check of a table: its rows and classes as for any upload, then its feature columns with their types. */
    private void showTablePreview(TablePreview p) {
        showPreview(p.rows());
        preview.add(new H3(p.columns().size() + (p.columns().size() == 1 ? " feature column" : " feature columns")));
        Div columns = new Div();
        columns.addClassName("class-table");
        columns.setId("preview-columns");
        // four cells a row, as the class table above is laid out
        columns.add(row(true, "Column", "Type", "Categories", "Which"));
        for (TableColumn c : p.columns()) {
            List<String> cats = c.categories();
            Div r = row(false, c.name(), c.type().name().toLowerCase(Locale.ROOT),
                    cats.isEmpty() ? "" : COUNT.format(cats.size()), cats.isEmpty() ? ""
                    : String.join(", ", cats.subList(0, Math.min(8, cats.size())))
                    + (cats.size() > 8 ? " and " + (cats.size() - 8) + " more" : ""));
            r.getElement().setAttribute("data-column", c.name());
            columns.add(r);
        }
        preview.add(columns);
    }

    private void showPreview(ImportPreview p) {
        checked = p;
        preview.removeAll();
        preview.add(new H3("What will be imported"));
        Paragraph facts = new Paragraph(COUNT.format(p.samples()) + " samples in " + p.classes().size()
                + " classes" + (p.imageSizes().isEmpty() ? "" : " · image sizes " + String.join(", ", p.imageSizes())
                + (p.imageSizes().size() >= 8 ? " and more" : "")));
        facts.setId("preview-summary");
        preview.add(facts);
        Div table = new Div();
        table.addClassName("class-table");
        table.add(row(true, "In the upload", "Samples", "In the project", "What happens"));
        for (ImportPreview.ClassMatch c : p.classes()) {
            Div r = row(false, c.name(), COUNT.format(c.count()), c.projectLabel() + " " + c.projectName(), c.note());
            r.addClassName("match-" + c.status().name().toLowerCase(Locale.ROOT));
            r.getElement().setAttribute("data-class", c.name());
            table.add(r);
        }
        preview.add(table);
        if (!p.projectOnly().isEmpty()) {
            preview.add(new Paragraph("The project's classes " + String.join(", ", p.projectOnly())
                    + " get no samples from this upload."));
        }
        long added = p.classes().stream().filter(c -> c.status() == ImportPreview.Match.NEW).count();
        if (p.conflicts()) {
            Paragraph stop = new Paragraph("The class names disagree with the project's: the import would be refused. "
                    + "Fix the names marked above, or import into a new project.");
            stop.addClassName("preview-conflict");
            preview.add(stop);
        } else if (added > 0 && !projects.find(project.id).map(x -> x.classNames.isEmpty()).orElse(true)) {
            preview.add(new Paragraph(added + (added == 1 ? " new class is" : " new classes are")
                    + " added to the project. A model trained before knows only the old classes."));
        }
        progressText.setText("Checked: ready to import.");
        updateImportButton();
    }

    private static Div row(boolean header, String... cells) {
        Div r = new Div();
        r.addClassName(header ? "class-row-header" : "class-row");
        for (String c : cells) {
            Span s = new Span(c);
            s.addClassName("class-cell");
            r.add(s);
        }
        return r;
    }

    private void checkName() {
        if (project == null) {
            return;
        }
        String n = name.getValue().strip();
        if (n.isEmpty()) {
            name.setInvalid(checked != null);
            name.setErrorMessage("Give the dataset a name");
        } else if (datasets.nameTaken(project.id, n)) {
            name.setInvalid(true);
            name.setErrorMessage("This project already has a dataset named '" + n + "'; choose another name");
        } else {
            name.setInvalid(false);
        }
        updateImportButton();
    }

    private void updateImportButton() {
        boolean ready = checked != null && !checked.conflicts() && !busy && !name.getValue().isBlank()
                && !name.isInvalid();
        importButton.setEnabled(ready);
        importButton.setText(checked == null ? "Import"
                : "Import " + COUNT.format(checked.samples()) + " samples into " + split.getValue().value());
    }

    private void startImport() {
        if (!access.caller().hasAnyRole(Role.ADMIN, Role.ENGINEER) || checked == null) {
            return;
        }
        String actor = access.caller().username();
        String datasetName = name.getValue().strip();
        Split into = split.getValue();
        String given = classNames.getValue();
        Uploaded a = archive;
        Uploaded i = images;
        Uploaded l = labels;
        Uploaded t = table;
        String label = labelColumn.getValue();
        String id = idColumn.getValue();
        boolean csv = CSV.equals(kind.getValue());
        boolean zip = ZIP.equals(kind.getValue());
        ImportPreview was = checked;
        clearChecked();
        retry = was;
        runInBackground("Importing into " + into.value(), true, csv ? List.of(t) : zip ? List.of(a) : List.of(i, l),
                progress -> csv
                ? importer.importTable(project.id, datasetName, into.value(),
                        new DatasetImporter.NamedFile(t.file().toPath(), t.name()), label, id, "upload:" + t.name(),
                        progress, actor)
                : zip
                ? importer.importArchive(project.id, datasetName, into.value(),
                        new DatasetImporter.NamedFile(a.file().toPath(), a.name()), null, "upload:" + a.name(),
                        progress, actor)
                : importer.importIdx(project.id, datasetName, into.value(),
                        new DatasetImporter.NamedFile(i.file().toPath(), i.name()),
                        new DatasetImporter.NamedFile(l.file().toPath(), l.name()), given,
                        "upload:" + i.name() + "+" + l.name(), progress, actor), d -> showImported(d, was));
    }

    private void showImported(Dataset d, ImportPreview was) {
        retry = null;
        lock(false);
        discard();
        showUploads();
        name.setValue("");
        autoName = null;
        showProjectClasses();
        progressText.setText("Imported " + COUNT.format(d.sampleCount) + " samples.");
        progressBar.setValue(1);
        result.removeAll();
        H3 done = new H3("Imported '" + d.name + "': " + COUNT.format(d.sampleCount) + " samples into " + d.split);
        done.setId("import-done");
        result.add(done);
        UnorderedList counts = new UnorderedList();
        counts.setId("import-counts");
        for (ImportPreview.ClassMatch c : was.classes()) {
            if (c.count() > 0) {
                counts.add(new ListItem(c.projectName() + ": " + COUNT.format(c.count())));
            }
        }
        result.add(counts);
        if (!d.importWarnings.isEmpty()) {
            UnorderedList warnings = new UnorderedList();
            warnings.setId("import-warnings");
            warnings.addClassName("import-warnings");
            d.importWarnings.forEach(w -> warnings.add(new ListItem("Warning: " + w + ".")));
            result.add(warnings);
        }
        Anchor browse = new Anchor(Routes.of(Routes.SAMPLES, project.id) + "?split=" + d.split + "&label=-1&page=0",
                "Browse the samples");
        browse.setId("browse-imported");
        Anchor model = new Anchor(Routes.of(Routes.MODEL_UPLOAD, project.id), "Next: upload a model");
        Anchor train = new Anchor(Routes.of(Routes.TRAINING, project.id),
                "or train the platform's " + PlatformModel.shortName(project.modality));
        HorizontalLayout next = new HorizontalLayout(browse, model, train);
        next.addClassName("import-next");
        result.add(next);
    }

    /**
     * One piece of work off the UI thread, its progress and its outcome pushed to this page while it is
     * the latest one started. It reads the given uploads; whichever of them the page lets go of
     * meanwhile (another file, the other kind, leaving the page) it deletes as it ends. An import locks
     * the form until it ends; a check that became stale stops at its next progress report.
     */
    private <T> void runInBackground(String what, boolean isImport, List<Uploaded> reads, Work<T> work,
                                     Consumer<T> done) {
        UI ui = UI.getCurrent();
        long mine = generation.incrementAndGet();
        busy = true;
        lock(isImport);
        updateImportButton();
        showProblems(List.of());
        progressBar.setVisible(true);
        progressBar.setIndeterminate(true);
        progressText.setText(what + " …");
        List<Path> read = reads.stream().map(u -> u.file().toPath()).toList();
        files.use(read);
        long[] last = {0};
        ImportProgress progress = (stage, n, total) -> {
            if (!isImport && generation.get() != mine) {
                throw new CancellationException("a newer check replaced this one");
            }
            long now = System.currentTimeMillis();
            if (now - last[0] < PUSH_MILLIS && n != total) {
                return;
            }
            last[0] = now;
            push(ui, mine, () -> showProgress(stage, n, total));
        };
        boolean started = background.run(() -> {
            try {
                T outcome = work.run(progress);
                push(ui, mine, () -> {
                    busy = false;
                    progressBar.setIndeterminate(false);
                    done.accept(outcome);
                });
            } catch (CancellationException e) {
                // a newer check or the page's leaving made this one stale: nobody waits for it
            } catch (DomainError e) {
                push(ui, mine, () -> failed(e));
            } catch (RuntimeException e) {
                LOG.error("Import failed", e);
                push(ui, mine, () -> failed(null));
            } finally {
                files.done(read);
            }
        });
        if (!started) {
            files.done(read);
            busy = false;
            lock(false);
            progressBar.setVisible(false);
            showProblems(List.of("The server is busy with other imports. Try again in a minute."));
            if (isImport && retry != null) {
                showPreview(retry);
            }
            updateImportButton();
        }
    }

    /** Locks the form while an import runs (saying why), or opens it again. */
    private void lock(boolean on) {
        importingGeneration = on ? generation.get() : -1;
        locked.setVisible(on);
        kind.setEnabled(!on);
        split.setEnabled(!on);
        name.setEnabled(!on);
        classNames.setEnabled(!on);
        labelColumn.setEnabled(!on);
        idColumn.setEnabled(!on);
        uploadFields.forEach(u -> u.setEnabled(!on));
    }

    /** An import of the current generation runs: the form is locked until it ends. */
    private boolean importing() {
        return importingGeneration >= 0 && importingGeneration == generation.get();
    }

    /** Work that reports its progress. */
    @FunctionalInterface
    private interface Work<T> {
        T run(ImportProgress progress);
    }

    private void showProgress(ImportProgress.Stage stage, long n, long total) {
        progressBar.setIndeterminate(total <= 0);
        if (total > 0) {
            progressBar.setValue(Math.min(1.0, (double) n / total));
        }
        String of = total > 0 ? " of " + COUNT.format(total) : "";
        progressText.setText(stage == ImportProgress.Stage.CHECKING
                ? (CSV.equals(kind.getValue()) ? "Checking rows: " : "Checking images: ") + COUNT.format(n) + of
                + " (nothing stored yet)"
                : "Storing samples: " + COUNT.format(n) + of);
    }

    private void failed(DomainError e) {
        busy = false;
        lock(false);
        progressBar.setVisible(false);
        progressBar.setIndeterminate(false);
        progressText.setText("Nothing was stored.");
        if (e == null) {
            showProblems(List.of("The import failed on the server; the server log has the details. Nothing was stored."));
        } else if (e instanceof InvalidDatasetException invalid && !invalid.problems().isEmpty()) {
            List<String> all = new ArrayList<>();
            all.add(e.getMessage() + ". Fix them in the file and upload it again:");
            all.addAll(invalid.problems());
            showProblems(all);
        } else {
            showProblems(List.of(e.describe()));
        }
        if (retry != null) {
            showPreview(retry);
            progressText.setText("Nothing was stored. Fix what is said above and import again.");
        }
        updateImportButton();
    }

    private void showProblems(List<String> lines) {
        problems.removeAll();
        problems.setVisible(!lines.isEmpty());
        if (lines.isEmpty()) {
            return;
        }
        problems.add(new Span(lines.get(0)));
        if (lines.size() > 1) {
            UnorderedList list = new UnorderedList();
            for (String l : lines.subList(1, lines.size())) {
                list.add(new ListItem(l));
            }
            problems.add(list);
        }
    }

    /** Forgets the check shown and any check still running: the files it was about have changed. */
    private void clearChecked() {
        generation.incrementAndGet();
        busy = false;
        checked = null;
        preview.removeAll();
        progressText.setText("");
        progressBar.setVisible(false);
        updateImportButton();
    }

    /** Shows a task's change on the page, unless the task became stale meanwhile. */
    private void push(UI ui, long task, Runnable change) {
        try {
            ui.access(() -> {
                if (generation.get() == task) {
                    change.run();
                }
            });
        } catch (UIDetachedException e) {
            // the page was closed: nobody to tell
        }
    }

    /** The file's own name, without any folder a browser might send and without control characters. */
    static String fileName(String sent) {
        String n = sent == null ? "" : sent;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder();
        n.codePoints().filter(c -> !Character.isISOControl(c)).limit(200).forEach(b::appendCodePoint);
        return b.isEmpty() ? "upload" : b.toString();
    }

    private static String megabytes(long bytes) {
        return COUNT.format(bytes >> 20) + " MB";
    }

    /** Lets go of every uploaded file: deleted now, or by the task still reading it as it ends. */
    private void discard() {
        for (Uploaded u : new Uploaded[] {archive, images, labels, table}) {
            if (u != null) {
                delete(u);
            }
        }
        archive = null;
        images = null;
        labels = null;
        table = null;
    }

    private void delete(Uploaded u) {
        files.release(u.file().toPath());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        // whatever still runs is stale: an import goes on to its end (all or nothing) and deletes its files then
        generation.incrementAndGet();
        discard();
    }
}
