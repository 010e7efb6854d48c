package org.rationale.ui;

import jakarta.annotation.security.PermitAll;
import org.rationale.saliency.OverlayTooLargeException;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.error.DomainError;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.project.Modality;
import org.rationale.project.Project;
import org.rationale.saliency.AttributionMethod;
import org.rationale.saliency.AttributionMethods;
import org.rationale.saliency.SaliencyMap;
import org.rationale.saliency.SaliencyService;
import org.rationale.project.ProjectService;

import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sample browser: a page of thumbnails of one project (of a tabular project: its rows with their
 * first feature columns), filtered by split and label, with a detail dialog showing the image large,
 * its provenance and its known shortcut region (a row's every value). Filters and
 * page live in the URL, so a view can be shared.
 */
@Route(value = Routes.SAMPLES, layout = MainLayout.class)
@PermitAll
public class SampleBrowserView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    static final int PAGE_SIZE = 60;
    /** Edge of a thumbnail's box on the page, in CSS pixels. */
    static final int THUMB_BOX = 84;
    /** Edge of the thumbnail image fetched: twice the box, for sharp thumbnails on high-density screens. */
    static final int THUMB_PIXELS = 2 * THUMB_BOX;
    /** Longest edge of the large preview, in CSS pixels; small images get a smaller frame, scaled up crisply. */
    static final int PREVIEW_BOX = 520;
    private static final NumberFormat COUNT = NumberFormat.getIntegerInstance(Locale.US);
    private static final String ALL = "all";

    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final PredictionService predictions;
    private final SaliencyService saliency;
    private final AttributionMethods methods;

    private Project project;
    private final H1 title = new H1();
    private final Select<String> split = new Select<>();
    private final Select<Integer> label = new Select<>();
    private final Span summary = new Span();
    private final Div thumbnails = new Div();
    /** A tabular project's rows: their first feature columns; a click opens all of a row's values. */
    private final Grid<Sample> rows = new Grid<>();
    private final Button previous = new Button(VaadinIcon.ANGLE_LEFT.create());
    private final Button next = new Button(VaadinIcon.ANGLE_RIGHT.create());
    private final Span pageInfo = new Span();
    private final Anchor importLink = new Anchor("", "Import data");
    private final Span datasetList = new Span();
    private int page;
    private long total;
    private boolean updating;

    private final Access access;

    public SampleBrowserView(ProjectService projects, DatasetService datasets, ModelService models,
                             PredictionService predictions, SaliencyService saliency, AttributionMethods methods,
                             Access access) {
        this.access = access;
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
        this.predictions = predictions;
        this.saliency = saliency;
        this.methods = methods;
        addClassName("sample-browser");

        split.setLabel("Split");
        split.setItems(ALL, Split.TRAIN.value(), Split.VALIDATION.value(), Split.TEST.value());
        split.setItemLabelGenerator(s -> ALL.equals(s) ? "All splits" : s);
        split.setId("split-filter");
        split.addValueChangeListener(e -> filtersChanged());

        label.setLabel("Label");
        label.setId("label-filter");
        label.addValueChangeListener(e -> filtersChanged());

        summary.addClassName("result-summary");
        summary.setId("result-summary");
        previous.setAriaLabel("Previous page");
        next.setAriaLabel("Next page");
        previous.addClickListener(e -> showPage(page - 1));
        next.addClickListener(e -> showPage(page + 1));
        previous.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        next.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        pageInfo.addClassName("page-info");

        RouterLink back = new RouterLink("← Projects", ProjectsView.class);
        back.addClassName("back-link");
        importLink.setId("import-link");
        datasetList.addClassName("dataset-list");
        datasetList.setId("dataset-list");
        HorizontalLayout filters = new HorizontalLayout(split, label, summary);
        filters.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        filters.addClassName("filters");
        HorizontalLayout pager = new HorizontalLayout(previous, pageInfo, next);
        pager.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        pager.addClassName("pager");
        thumbnails.addClassName("thumbnail-grid");
        thumbnails.setId("thumbnails");
        rows.setId("sample-rows");
        rows.addClassName("sample-rows");
        rows.setAllRowsVisible(true);
        rows.setVisible(false);
        rows.addItemClickListener(e -> openDetail(e.getItem()));
        HorizontalLayout top = new HorizontalLayout(back, importLink);
        top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        add(top, title, datasetList, filters, thumbnails, rows, pager);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        long id;
        try {
            id = Long.parseLong(event.getRouteParameters().get("projectId").orElse(""));
        } catch (NumberFormatException e) {
            showMissing();
            return;
        }
        project = projects.find(id).filter(p -> access.sees(p.id)).orElse(null);
        if (project == null) {
            showMissing();
            return;
        }
        title.setText(project.name);
        long stored = datasets.countsBySplit(project.id).values().stream().mapToLong(Long::longValue).sum();
        boolean engineer = access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false);
        importLink.setVisible(engineer);
        importLink.setHref(Routes.of(Routes.IMPORT, project.id));
        datasetList.setText(datasetLine());
        if (stored == 0) {
            showNoData(engineer);
            return;
        }
        List<Integer> labels = new ArrayList<>();
        labels.add(-1);
        for (int i = 0; i < project.classNames.size(); i++) {
            labels.add(i);
        }
        updating = true;
        label.setItems(labels);
        label.setItemLabelGenerator(l -> l < 0 ? "All labels" : l + " · " + project.classNames.get(l));
        Map<String, List<String>> q = event.getLocation().getQueryParameters().getParameters();
        split.setValue(first(q, "split", ALL, List.of(ALL, "train", "validation", "test")));
        label.setValue(parse(first(q, "label", "-1", null), -1, project.classNames.size() - 1, -1));
        updating = false;
        showPage(parse(first(q, "page", "0", null), 0, Integer.MAX_VALUE, 0));
    }

    @Override
    public String getPageTitle() {
        return (project == null ? "Samples" : project.name + " · samples") + " · Rationale";
    }

    private void filtersChanged() {
        if (!updating && project != null) {
            showPage(0);
        }
    }

    private void showPage(int requested) {
        Split s = ALL.equals(split.getValue()) || split.getValue() == null ? null : Split.parse(split.getValue());
        Integer l = label.getValue() == null || label.getValue() < 0 ? null : label.getValue();
        var result = datasets.samples(project.id, s, l, Math.max(0, requested) * PAGE_SIZE, PAGE_SIZE);
        total = result.total();
        int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        if (requested >= pages && total > 0) {
            showPage(pages - 1);
            return;
        }
        page = Math.max(0, requested);
        thumbnails.removeAll();
        boolean table = project.modality == Modality.TABULAR && !result.items().isEmpty();
        rows.setVisible(table);
        thumbnails.setVisible(!table);
        String shownColumns = "";
        if (table) {
            shownColumns = showRows(result.items());
        } else {
            for (Sample sample : result.items()) {
                thumbnails.add(thumbnail(sample));
            }
        }
        if (result.items().isEmpty()) {
            Paragraph none = new Paragraph("No samples match these filters.");
            none.addClassName("empty-state");
            thumbnails.add(none);
        }
        summary.setText(COUNT.format(total) + " samples" + shownColumns);
        pageInfo.setText("Page " + (page + 1) + " of " + COUNT.format(pages));
        previous.setEnabled(page > 0);
        next.setEnabled(page + 1 < pages);
        getUI().ifPresent(ui -> ui.getPage().getHistory().replaceState(null,
                "projects/" + project.id + "/samples?" + QueryParameters.simple(Map.of(
                        "split", split.getValue() == null ? ALL : split.getValue(),
                        "label", String.valueOf(label.getValue() == null ? -1 : label.getValue()),
                        "page", String.valueOf(page))).getQueryString()));
    }

    /** Most feature columns the rows table shows; a row's detail shows all. */
    static final int ROW_COLUMNS = 8;

    /** Shows table rows with their first feature columns; answers what the summary adds about the columns shown. */
    private String showRows(List<Sample> items) {
        Map<Long, Map<String, Object>> values = datasets.tableRows(items);
        List<String> columns = values.values().stream().findFirst().map(v -> List.copyOf(v.keySet())).orElse(List.of());
        rows.removeAllColumns();
        rows.addColumn(s -> s.id).setHeader("Sample").setAutoWidth(true).setFlexGrow(0);
        rows.addColumn(s -> className(s.label)).setHeader("Label").setAutoWidth(true).setFlexGrow(0);
        rows.addColumn(s -> s.split).setHeader("Split").setAutoWidth(true).setFlexGrow(0);
        rows.addColumn(s -> s.source).setHeader("Source").setAutoWidth(true).setFlexGrow(0);
        for (String c : columns.subList(0, Math.min(ROW_COLUMNS, columns.size()))) {
            rows.addColumn(s -> cell(values.getOrDefault(s.id, Map.of()).get(c))).setHeader(c).setAutoWidth(true);
        }
        rows.setItems(items);
        return columns.size() > ROW_COLUMNS ? " · the first " + ROW_COLUMNS + " of " + columns.size()
                + " feature columns shown; click a row for all" : "";
    }

    /** A table cell as the page shows it: whole numbers without ".0", other numbers as stored. */
    static String cell(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return value == null ? "" : value.toString();
    }

    /** A table row's detail: every feature's value, in the dataset's column order. */
    private Div rowValues(Sample s) {
        Div table = new Div();
        table.addClassName("facts");
        table.setId("row-values");
        Map<String, Object> values = datasets.tableRows(List.of(s)).getOrDefault(s.id, Map.of());
        values.forEach((column, value) -> table.add(fact(column, cell(value))));
        return table;
    }

    private Div thumbnail(Sample s) {
        Image img = new Image("/api/samples/" + s.id + "/thumbnail.png?size=" + THUMB_PIXELS,
                className(s.label) + " #" + s.id);
        img.addClassName("thumb-image");
        if (Math.max(s.width, s.height) > THUMB_BOX) {
            // a photo scaled down: smooth; small images stay crisp pixels
            img.addClassName("scaled");
        }
        img.getElement().setAttribute("loading", "lazy");
        Span caption = new Span(className(s.label));
        caption.addClassName("thumb-caption");
        Div tile = new Div(img, caption);
        tile.addClassName("thumb");
        tile.addClassName("split-" + s.split);
        tile.getElement().setAttribute("data-sample", s.id.toString());
        tile.getElement().setAttribute("title", s.source);
        tile.addClickListener(e -> openDetail(s));
        return tile;
    }

    private void openDetail(Sample s) {
        Dialog d = new Dialog();
        d.setHeaderTitle(className(s.label) + " · sample " + s.id);
        if (s.tableRow) {
            Div facts = new Div(fact("Label", s.label + " · " + className(s.label)), fact("Split", s.split),
                    fact("Source", s.source), fact("Features", Integer.toString(s.width)));
            facts.addClassName("facts");
            Anchor review = new Anchor(Routes.of(Routes.REVIEW, project.id) + "?sample=" + s.id, "Review this sample");
            review.addClassName("review-link");
            review.setId("review-this-sample");
            d.add(new HorizontalLayout(new VerticalLayout(facts, review), rowValues(s)));
            d.getFooter().add(new Button("Close", e -> d.close()));
            d.open();
            return;
        }
        Image img = new Image("/api/samples/" + s.id + "/image.png", className(s.label));
        img.addClassName("detail-image");
        Div frame = new Div(img);
        frame.addClassName("detail-frame");
        // the frame has the image's own aspect, so the shortcut box (in image pixels) lands where it belongs
        int edge = Math.max(s.width, s.height) < 200 ? 280 : PREVIEW_BOX;
        double scale = Math.min((double) edge / s.width, (double) edge / s.height);
        frame.getStyle().set("width", Math.round(s.width * scale) + "px").set("height", Math.round(s.height * scale) + "px");
        if (Math.max(s.width, s.height) > edge) {
            frame.addClassName("photo");
        }
        if (s.shortcutX != null) {
            Div box = new Div();
            box.addClassName("shortcut-box");
            box.getStyle().set("left", pct(s.shortcutX, s.width)).set("top", pct(s.shortcutY, s.height))
                    .set("width", pct(s.shortcutWidth, s.width)).set("height", pct(s.shortcutHeight, s.height));
            frame.add(box);
        }
        Div facts = new Div(
                fact("Label", s.label + " · " + className(s.label)),
                fact("Split", s.split),
                fact("Size", s.width + " × " + s.height + (s.channels == 1 ? " gray" : " RGB")),
                fact("Source", s.source),
                fact("Known shortcut", s.shortcutX == null ? "none recorded"
                        : s.shortcutWidth + "×" + s.shortcutHeight + " at (" + s.shortcutX + ", " + s.shortcutY + ")"));
        facts.addClassName("facts");
        Anchor raw = new Anchor("/api/samples/" + s.id + "/image.png", "Open PNG (" + s.width + " × " + s.height + ")");
        raw.setTarget("_blank");
        Anchor review = new Anchor(Routes.of(Routes.REVIEW, project.id) + "?sample=" + s.id, "Review this sample");
        review.addClassName("review-link");
        review.setId("review-this-sample");
        HorizontalLayout body = new HorizontalLayout(frame, new VerticalLayout(facts, review, raw));
        List<ModelVersion> available = models.list(project.id);
        if (!available.isEmpty()) {
            body.add(rationalePanel(s, available));
        }
        d.add(body);
        Button close = new Button("Close", e -> d.close());
        d.getFooter().add(close);
        d.open();
    }

    /** The model's prediction and a saliency overlay, with model, method and target to choose. */
    private Div rationalePanel(Sample s, List<ModelVersion> available) {
        Select<ModelVersion> model = new Select<>();
        model.setLabel("Model");
        model.setItems(available);
        model.setItemLabelGenerator(v -> v.label());
        model.setId("overlay-model");
        Select<String> method = new Select<>();
        method.setLabel("Method");
        method.setItems(methods.all().stream().map(AttributionMethod::name).toList());
        method.setId("overlay-method");
        Select<String> target = new Select<>();
        target.setLabel("Explain");
        target.setItems("predicted", "label");
        target.setItemLabelGenerator(t -> t.equals("predicted") ? "predicted class" : "true label");
        Image overlay = new Image();
        overlay.addClassName("overlay-image");
        overlay.setId("overlay-image");
        Span prediction = new Span();
        prediction.addClassName("prediction");
        prediction.setId("overlay-prediction");
        Span problem = new Span();
        problem.addClassName("overlay-problem");
        Runnable update = () -> {
            ModelVersion v = model.getValue();
            if (v == null || method.getValue() == null) {
                return;
            }
            try {
                Prediction p = predictions.predict(s, v);
                prediction.setText(String.format(Locale.US, "Predicts %s · %.1f %% · entropy %.2f",
                        p.predictedClass(), p.confidence() * 100, p.entropy()));
                SaliencyMap m = saliency.map(s.id, v.id, method.getValue(), target.getValue(), Map.of());
                int zoom = saliency.overlayZoom(s.height, s.width, 10);
                if (zoom == 0) {
                    throw new OverlayTooLargeException(s.height, s.width, 1);
                }
                overlay.setSrc("/api/samples/" + s.id + "/saliency.png?modelId=" + v.id + "&method=" + method.getValue()
                        + "&target=" + target.getValue() + "&zoom=" + zoom);
                overlay.setAlt(method.getValue() + " for " + m.targetName());
                overlay.setVisible(true);
                problem.setText(curvesText(m));
                overlay.getElement().setAttribute("data-map", Long.toString(m.id()));
                if (!m.hasCurves()) {
                    // the curves cost 58 forward passes: the map shows first, the numbers follow by push
                    UI ui = UI.getCurrent();
                    saliency.withCurves(m).whenComplete((full, failure) -> ui.access(() -> {
                        if (Long.toString(m.id()).equals(overlay.getElement().getAttribute("data-map"))) {
                            problem.setText(full != null ? curvesText(full)
                                    : "Deletion and insertion AUC not computed now (the server is busy); they are when "
                                    + "this map is shown again");
                        }
                    }));
                }
            } catch (DomainError e) {
                overlay.setVisible(false);
                problem.setText(e.describe());
            }
        };
        model.addValueChangeListener(e -> update.run());
        method.addValueChangeListener(e -> update.run());
        target.addValueChangeListener(e -> update.run());
        // the project's current version (not always the newest: a round's worse version is not made current)
        Long currentId = models.current(project.id).map(v -> v.id).orElse(null);
        model.setValue(available.stream().filter(v -> v.id.equals(currentId)).findFirst()
                .orElse(available.get(available.size() - 1)));
        target.setValue("predicted");
        method.setValue("integrated-gradients");
        HorizontalLayout choices = new HorizontalLayout(model, method, target);
        choices.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        Div panel = new Div(choices, prediction, overlay, problem);
        panel.addClassName("rationale-panel");
        return panel;
    }

    private static String curvesText(SaliencyMap m) {
        return m.hasCurves() ? String.format(Locale.US, "Deletion AUC %.3f · insertion AUC %.3f",
                m.metrics().get(SaliencyMap.DELETION_AUC), m.metrics().get("insertionAuc"))
                : "Deletion and insertion AUC: computing…";
    }

    private static Div fact(String name, String value) {
        Span n = new Span(name);
        n.addClassName("fact-name");
        Span v = new Span(value);
        v.addClassName("fact-value");
        Div f = new Div(n, v);
        f.addClassName("fact");
        return f;
    }

    private static String pct(int v, int of) {
        return (100.0 * v / of) + "%";
    }

    private String className(int l) {
        return l < project.classNames.size() ? project.classNames.get(l) : Integer.toString(l);
    }

    /** The project's datasets in one line: name, split, samples, and where each came from. */
    private String datasetLine() {
        List<String> parts = new ArrayList<>();
        for (Dataset d : datasets.datasetsOf(project.id)) {
            parts.add(d.name + " (" + d.split + ", " + COUNT.format(d.sampleCount) + ", " + Dataset.fileNames(d.origin) + ")");
        }
        return parts.isEmpty() ? "" : "Datasets: " + String.join(" · ", parts);
    }

    /** A project without samples says so, and how to get some. */
    private void showNoData(boolean engineer) {
        summary.setText("0 samples");
        rows.setVisible(false);
        thumbnails.setVisible(true);
        thumbnails.removeAll();
        Div empty = new Div();
        empty.addClassName("empty-state");
        empty.setId("no-data");
        empty.add(new Paragraph(project.modality == Modality.TABULAR
                ? "This project has no samples yet. Samples come from an import: a CSV table, one row per sample."
                : "This project has no samples yet. Samples come from an import: a zip of class "
                + "folders of PNG or JPEG images (any size), or an IDX pair."));
        if (engineer) {
            Anchor go = new Anchor(Routes.of(Routes.IMPORT, project.id), "Import data");
            go.setId("no-data-import");
            empty.add(go);
        } else {
            empty.add(new Paragraph("Only administrators and engineers can import; ask an engineer of this project."));
        }
        thumbnails.add(empty);
        previous.setEnabled(false);
        next.setEnabled(false);
        pageInfo.setText("");
    }

    private void showMissing() {
        project = null;
        removeAll();
        add(new RouterLink("← Projects", ProjectsView.class), new H2("Project not found"),
                new Paragraph("There is no such project, or you are not one of its members. Pick one from the "
                        + "project list."));
    }

    private static String first(Map<String, List<String>> q, String key, String fallback, List<String> allowed) {
        List<String> v = q.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        return allowed == null || allowed.contains(v.get(0)) ? v.get(0) : fallback;
    }

    private static int parse(String text, int min, int max, int fallback) {
        try {
            int v = Integer.parseInt(text);
            return v < min || v > max ? fallback : v;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
