package org.rationale.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetService;
import org.rationale.error.DomainError;
import org.rationale.model.ModelService;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.model.ModelVersion;
import org.rationale.saliency.SaliencyService;
import org.rationale.saliency.SanityService;
import org.rationale.security.Access;
import org.rationale.security.Caller;
import org.rationale.security.Role;

import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Start page: every project with its datasets and sample counts, and a way to create one. */
@Route(value = Routes.PROJECTS, layout = MainLayout.class)
@PageTitle("Projects · Rationale")
@PermitAll
public class ProjectsView extends VerticalLayout {

    private static final NumberFormat COUNT = NumberFormat.getIntegerInstance(Locale.US);

    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final SanityService sanity;
    private final SaliencyService saliency;
    private final Div cards = new Div();

    private final Caller caller;

    @Inject
    public ProjectsView(ProjectService projects, DatasetService datasets, ModelService models, SanityService sanity,
                        SaliencyService saliency, Access access) {
        this.saliency = saliency;
        this.caller = access.caller();
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
        this.sanity = sanity;
        addClassName("projects-view");
        setPadding(true);

        H1 title = new H1("Projects");
        Button create = new Button("New project", VaadinIcon.PLUS.create(), e -> openCreateDialog());
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setId("new-project");
        create.setVisible(caller.hasAnyRole(Role.ADMIN, Role.ENGINEER));
        Button refresh = new Button(VaadinIcon.REFRESH.create(), e -> refresh());
        refresh.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        refresh.setAriaLabel("Refresh");
        HorizontalLayout head = new HorizontalLayout(title, refresh, create);
        head.setWidthFull();
        head.expand(title);
        head.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);

        cards.addClassName("project-cards");
        add(head, cards);
        refresh();
    }

    void refresh() {
        cards.removeAll();
        List<Project> all = projects.visibleTo(caller);
        if (all.isEmpty()) {
            Div empty = new Div(new H2("No projects yet"), new Paragraph(caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)
                    ? "Create a project with \"New project\"; its card then leads you through the next steps: import "
                    + "images (a zip of class folders or IDX files), add a model, compute the maps, review."
                    : "An engineer or an admin creates projects and adds you to them; they appear here then."));
            empty.addClassName("empty-state");
            cards.add(empty);
            return;
        }
        for (Project p : all) {
            cards.add(card(p));
        }
    }

    private Div card(Project p) {
        Map<String, Long> bySplit = datasets.countsBySplit(p.id);
        long total = bySplit.values().stream().mapToLong(Long::longValue).sum();

        H2 name = new H2(p.name);
        name.addClassName("project-name");
        Span count = new Span(COUNT.format(total) + " samples");
        count.addClassName("project-count");
        HorizontalLayout title = new HorizontalLayout(name, count);
        title.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        title.setWidthFull();
        title.expand(name);

        Div badges = new Div();
        badges.addClassName("badges");
        bySplit.forEach((split, n) -> {
            if (n > 0) {
                Span b = new Span(split + " · " + COUNT.format(n));
                b.getElement().getThemeList().add("badge " + ("train".equals(split) ? "" : "contrast"));
                badges.add(b);
            }
        });
        Span classes;
        if (p.classNames.isEmpty()) {
            classes = new Span("no classes yet");
            classes.getElement().getThemeList().add("badge contrast");
            classes.getElement().setAttribute("title", "The first import names the classes: the folder names of a zip, "
                    + "or the labels of an IDX pair");
        } else {
            classes = new Span(p.classNames.size() + (p.classNames.size() == 1 ? " class" : " classes"));
            classes.getElement().getThemeList().add("badge success");
            classes.getElement().setAttribute("title", String.join(", ", p.classNames));
        }
        classes.addClassName("class-count");
        badges.add(classes);

        Div card = new Div(title);
        card.addClassName("project-card");
        card.getElement().setAttribute("data-project", p.name);
        if (p.description != null) {
            Paragraph d = new Paragraph(p.description);
            d.addClassName("project-description");
            card.add(d);
        }
        card.add(badges);

        List<Dataset> ds = datasets.datasetsOf(p.id);
        if (!ds.isEmpty()) {
            Grid<Dataset> grid = new Grid<>();
            grid.addColumn(d -> d.name).setHeader("Dataset").setAutoWidth(true).setFlexGrow(2);
            grid.addColumn(d -> d.split).setHeader("Split").setAutoWidth(true);
            grid.addColumn(d -> d.format).setHeader("Format").setAutoWidth(true);
            grid.addColumn(d -> d.width == null ? "mixed" : d.width + "×" + d.height + (d.channels == 3 ? " RGB" : " gray"))
                    .setHeader("Images").setAutoWidth(true);
            grid.addColumn(d -> COUNT.format(d.sampleCount)).setHeader("Samples").setTextAlign(
                    ColumnTextAlign.END);
            grid.setItems(ds);
            grid.setAllRowsVisible(true);
            grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_NO_BORDER, GridVariant.LUMO_ROW_STRIPES);
            grid.addClassName("dataset-grid");
            card.add(grid);
        }
        card.add(new ModelsPanel(models, sanity, p.id, p.modality, caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)));
        List<ModelVersion> versions = models.list(p.id);
        Stage stage = total == 0 ? Stage.NO_DATA : versions.isEmpty() ? Stage.NO_MODEL
                : !saliency.anyMapOf(versions.stream().map(v -> v.id).toList()) ? Stage.NO_MAPS : Stage.READY;
        if (stage != Stage.READY) {
            card.add(nextStep(p, stage));
        }
        HorizontalLayout actions = new HorizontalLayout();
        actions.setWrap(true);
        actions.addClassName("project-actions");
        if (total > 0) {
            // without samples there is nothing to browse: the next step above says how to import them
            Button browse = new Button("Browse samples", VaadinIcon.GRID_SMALL.create(),
                    e -> getUI().ifPresent(ui -> ui.navigate(Routes.of(Routes.SAMPLES, p.id))));
            browse.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
            browse.addClassName("browse-button");
            actions.add(browse);
        }
        if (caller.hasAnyRole(Role.EXPERT, Role.ADMIN) && total > 0 && !versions.isEmpty()) {
            Button review = new Button("Review rationales", VaadinIcon.EYE.create(),
                    e -> getUI().ifPresent(ui -> ui.navigate(Routes.of(Routes.REVIEW, p.id))));
            review.addThemeVariants(ButtonVariant.LUMO_SMALL);
            review.addClassName("review-button");
            actions.add(review);
        }
        actions.add(pageButton("Agreement", VaadinIcon.CONNECT, Routes.AGREEMENT, p, "agreement-button"));
        actions.add(pageButton("Rounds", VaadinIcon.CHART, Routes.ROUNDS, p, "rounds-button"));
        if (caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)) {
            actions.add(pageButton("Sanity checks", VaadinIcon.CHECK_CIRCLE_O, Routes.SANITY, p, "sanity-button"));
        }
        if (caller.hasAnyRole(Role.ADMIN, Role.AUDITOR, Role.ENGINEER)) {
            actions.add(pageButton("Audit report", VaadinIcon.FILE_TEXT_O, Routes.REPORTS, p, "report-button"));
        }
        if (caller.hasAnyRole(Role.ADMIN, Role.ENGINEER)) {
            actions.add(pageButton("Settings", VaadinIcon.COG_O, Routes.SETTINGS, p, "settings-button"));
        }
        card.add(actions);
        return card;
    }

    /** How far a project has come on the way to its first review. */
    private enum Stage { NO_DATA, NO_MODEL, NO_MAPS, READY }

    /**
     * What to do next on a project that is not ready for review yet, in words, with a link to the
     * page that does it (for engineers and admins; others read who does it).
     */
    private Div nextStep(Project p, Stage stage) {
        boolean engineer = caller.hasAnyRole(Role.ADMIN, Role.ENGINEER);
        Span label = new Span("Next step");
        label.addClassName("next-step-label");
        Paragraph text = new Paragraph();
        text.addClassName("next-step-text");
        HorizontalLayout links = new HorizontalLayout();
        links.setWrap(true);
        switch (stage) {
            case NO_DATA -> {
                boolean rows = p.modality == Modality.TABULAR;
                text.setText(engineer ? (rows ? "This project has no rows yet. Import a CSV table (typed columns, a label "
                        + "column, an optional id column) into the training or test split; the import names the classes."
                        : "This project has no images yet. Import a zip of class folders (one folder per "
                        + "class) or an IDX pair into the training or test split; the import names the classes.")
                        : "This project has no " + PlatformModel.samples(p.modality) + " yet. An engineer imports them; "
                        + "then a model and its maps follow.");
                if (engineer) {
                    links.add(stepButton(rows ? "Import a table" : "Import images", VaadinIcon.UPLOAD, Routes.IMPORT, p,
                            "next-step-import", true));
                }
            }
            case NO_MODEL -> {
                text.setText(engineer ? "The " + PlatformModel.samples(p.modality) + " are in. Add the model whose decisions "
                        + "experts review: upload a TorchScript model, or train the platform's "
                        + PlatformModel.shortName(p.modality) + " on the training split."
                        : "The " + PlatformModel.samples(p.modality) + " are in; an engineer adds a model next.");
                if (engineer) {
                    links.add(stepButton("Upload a model", VaadinIcon.UPLOAD_ALT, Routes.MODEL_UPLOAD, p,
                                    "next-step-upload", true),
                            stepButton("Train the platform " + PlatformModel.shortName(p.modality), VaadinIcon.COGS, Routes.TRAINING, p, "next-step-train",
                                    false));
                }
            }
            default -> {
                text.setText(engineer ? "A model is ready. Compute its saliency maps over a split with a saliency job "
                        + "(or start a feedback round, which computes the maps of the samples it picks); experts review "
                        + "them then." : "A model is ready; experts can review now (each map is computed when it is "
                        + "first shown), or wait until an engineer's saliency job has computed the maps.");
                if (engineer) {
                    Button job = new Button("Start a saliency job", VaadinIcon.PLAY.create(),
                            e -> getUI().ifPresent(ui -> ui.navigate(Routes.JOBS,
                                    QueryParameters.of("projectId", Long.toString(p.id)))));
                    job.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SMALL);
                    job.addClassName("next-step-job");
                    links.add(job, stepButton("Start a feedback round", VaadinIcon.CHART, Routes.ROUNDS, p,
                            "next-step-round", false));
                }
            }
        }
        Div step = new Div(label, text, links);
        step.addClassName("next-step");
        return step;
    }

    private Button stepButton(String label, VaadinIcon icon, String route, Project p, String className, boolean primary) {
        Button b = new Button(label, icon.create(), e -> getUI().ifPresent(ui -> ui.navigate(Routes.of(route, p.id))));
        b.addThemeVariants(ButtonVariant.LUMO_SMALL, primary ? ButtonVariant.LUMO_PRIMARY : ButtonVariant.LUMO_CONTRAST);
        b.addClassName(className);
        return b;
    }

    /** A small button to one of the project's pages ({@code projects/:projectId/...}, a {@link Routes} template). */
    private Button pageButton(String label, VaadinIcon icon, String route, Project p, String className) {
        Button b = new Button(label, icon.create(), e -> getUI().ifPresent(ui -> ui.navigate(Routes.of(route, p.id))));
        b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        b.addClassName(className);
        return b;
    }

    private void openCreateDialog() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("New project");
        TextField name = new TextField("Name");
        name.setRequired(true);
        name.setWidthFull();
        name.setMaxLength(200);
        TextArea description = new TextArea("Description");
        description.setWidthFull();
        RadioButtonGroup<Modality> modality = new RadioButtonGroup<>("Samples are");
        modality.setId("project-modality");
        modality.setItems(Modality.values());
        modality.setItemLabelGenerator(m -> m == Modality.IMAGES ? "Images (saliency maps)"
                : "Table rows (feature attributions; import a CSV)");
        modality.setValue(Modality.IMAGES);
        modality.setHelperText("Fixed once the project is created");
        VerticalLayout form = new VerticalLayout(name, description, modality);
        form.setPadding(false);
        form.setWidth("28rem");
        dialog.add(form);
        Button save = new Button("Create", e -> {
            try {
                projects.create(name.getValue(), description.getValue(), caller.username(), modality.getValue());
                dialog.close();
                refresh();
                Notification.show("Project created", 3000, Notification.Position.BOTTOM_START)
                        .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
            } catch (DomainError ex) {
                name.setInvalid(true);
                name.setErrorMessage(ex.getMessage());
            }
        });
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button("Cancel", e -> dialog.close());
        dialog.getFooter().add(cancel, save);
        dialog.open();
        name.focus();
    }
}
