package org.rationale.ui.review;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dependency.CssImport;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.saliency.MethodAvailability;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.Routes;
import org.rationale.ui.ProjectRoute;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The review session: one sample at a time, large, with its saliency map on a canvas; the expert
 * accepts (A), rejects (R) or is unsure (U) about the rationale, undoes the last verdict (Z), moves
 * with the arrow keys, and paints what should matter or must not. Every verdict judges the map shown
 * (model version and method); conflicts with other reviewers come back as a message, never as a
 * silent overwrite. The page lays out and binds; {@link ReviewSession} holds the session and its rules.
 */
@Route(value = Routes.REVIEW, layout = MainLayout.class)
@RolesAllowed({Role.Name.EXPERT, Role.Name.ADMIN})
@JsModule("./review/review-keys.ts")
@CssImport("./review/review-view.css")
public class ReviewView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    /** The route of the project list (the page goes back there by path, not by importing it). */
    private static final String PROJECTS = "";
    /** What the page reports as drawn when a verdict button is clicked: see frontend/review/review-keys.ts. */
    private static final String DRAWN = "window.rationaleReview.drawn()";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH);

    private final ProjectService projects;
    private final Access access;
    private final ReviewSession session;

    private final ReviewCanvas canvas = new ReviewCanvas();
    private final ReviewCanvas compare = new ReviewCanvas();
    private final FeatureBars bars = new FeatureBars();
    private final Select<ModelVersion> model = new Select<>();
    private final Select<String> method = new Select<>();
    private final Select<String> second = new Select<>();
    private final Span progress = new Span();
    private final Span facts = new Span();
    private final Div prediction = new Div();
    private final Div quality = new Div();
    private final Span relianceLine = new Span();
    private final Div why = new Div();
    private final Span whyText = new Span();
    private final Span context = new Span();
    private final Span wrong = new Span();
    private final Anchor roundsLink = new Anchor("", "Go to the rounds page");
    private final Div history = new Div();
    private final Span myVerdict = new Span();
    private final TextArea comment = new TextArea("Comment");
    private final Span status = new Span();

    private Project project;
    private UI ui;
    /** Counts the page's entries: a first sample asked for by an earlier entry is not shown. */
    private int entries;

    @Inject
    public ReviewView(ProjectService projects, Access access, ReviewSession session) {
        this.projects = projects;
        this.access = access;
        this.session = session;
        addClassName("review-view");
        setId("review-view");
        addAttachListener(this::attached);
        addDetachListener(e -> session.stopListening());
    }

    @Override
    public String getPageTitle() {
        return (project == null ? "Review" : "Review · " + project.name) + " · Rationale";
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        ui = event.getUI();
        project = ProjectRoute.resolve(event, projects, access, this).orElse(null);
        if (project == null) {
            session.stopListening();
            return;
        }
        List<ModelVersion> versions = session.begin(project, access.caller(), new Page());
        if (versions.isEmpty()) {
            add(projectsLink(), new H2(project.name), new Span("This project has no model yet: nothing to review."));
            return;
        }
        build(versions);
        if (isAttached()) {
            session.listen();
        }
        List<String> wanted = event.getLocation().getQueryParameters().getParameters().get("sample");
        String first = wanted == null || wanted.isEmpty() ? null : wanted.get(0);
        // a GET never writes, whichever request the router enters the page in: the first sample is shown (handed
        // out, reserved) on a round trip the browser makes once it runs the page, a POST; only the latest entry counts
        int entry = ++entries;
        getElement().executeJs("return null").then(ignored -> {
            if (entry == entries && project != null) {
                session.start(first);
            }
        });
    }

    private static Anchor projectsLink() {
        Anchor back = new Anchor(PROJECTS, "← Projects");
        back.getElement().setAttribute("router-link", true);
        return back;
    }

    private void build(List<ModelVersion> versions) {
        model.setLabel("Model");
        model.setItems(versions);
        model.setItemLabelGenerator(ReviewSession::label);
        model.setValue(session.model());
        model.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                session.chooseModel(e.getValue());
                offerMethods();
                second.setValue(session.second());
            }
        });
        method.setLabel("Method");
        method.setId("review-method");
        second.setLabel("Side by side");
        second.setId("review-second");
        offerMethods();
        method.setValue(session.method());
        method.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                session.chooseMethod(e.getValue());
            }
        });
        second.setValue(session.second());
        second.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                session.chooseSecond(e.getValue());
            }
        });

        Select<ReviewCanvas.Colormap> colormap = new Select<>();
        colormap.setLabel("Colormap");
        colormap.setItemLabelGenerator(e -> e.name().toLowerCase(Locale.ROOT));
        colormap.setItems(ReviewCanvas.Colormap.values());
        colormap.setValue(ReviewCanvas.Colormap.INFERNO);
        colormap.addValueChangeListener(e -> both(c -> c.setColormap(e.getValue())));
        Select<ReviewCanvas.Sign> sign = new Select<>();
        sign.setLabel("Show");
        sign.setItemLabelGenerator(e -> e.name().toLowerCase(Locale.ROOT));
        sign.setItems(ReviewCanvas.Sign.values());
        sign.setValue(ReviewCanvas.Sign.ABSOLUTE);
        sign.addValueChangeListener(e -> both(c -> c.setSign(e.getValue())));
        Select<ReviewCanvas.Tool> tool = new Select<>();
        tool.setLabel("Tool");
        tool.setItemLabelGenerator(e -> e.name().toLowerCase(Locale.ROOT));
        tool.setItems(ReviewCanvas.Tool.values());
        tool.setValue(ReviewCanvas.Tool.NONE);
        tool.setId("review-tool");
        tool.addValueChangeListener(e -> canvas.setTool(e.getValue()));
        Select<ReviewCanvas.MaskKind> kind = new Select<>();
        kind.setLabel(session.tabular() ? "Mark" : "Paint");
        kind.setItemLabelGenerator(e -> e.name().toLowerCase(Locale.ROOT));
        kind.setItems(ReviewCanvas.MaskKind.values());
        kind.setValue(ReviewCanvas.MaskKind.SHORTCUT);
        kind.setId("review-kind");
        kind.addValueChangeListener(e -> canvas.setMaskKind(e.getValue()));
        canvas.setMaskKind(ReviewCanvas.MaskKind.SHORTCUT);
        Button clear = session.tabular() ? new Button("Clear marks", e -> session.clearFeatures())
                : new Button("Clear masks", e -> canvas.clearMasks());
        clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        // the keyboard script finds the drawn sample by this id: on rows the bars carry it
        canvas.setId(session.tabular() ? "review-image" : "review-canvas");
        bars.setId(session.tabular() ? "review-canvas" : "review-bars");
        bars.onMark((feature, shift) -> session.markFeature(feature, shift,
                kind.getValue() == ReviewCanvas.MaskKind.RELEVANT ? "relevant" : "shortcut"));
        canvas.addMasksChangedListener(e -> session.saveMasks(e.getRelevantMask(), e.getShortcutMask()));
        compare.setId("review-compare");
        compare.setVisible(false);
        // the first picture's controls (map on/off, opacity, legend, zoom, brush) serve both: the second follows
        compare.setControlsVisible(false);
        canvas.addMapVisibleChangeListener(e -> compare.setMapVisible(canvas.isMapVisible()));
        canvas.getElement().addPropertyChangeListener("opacity", e -> compare.setOpacity(canvas.getOpacity()));
        for (Select<?> narrow : List.of(model, method, second, colormap, sign, tool, kind)) {
            narrow.setWidth("11rem");
        }
        if (session.tabular()) {
            method.setWidth("14rem");
        }

        Button accept = verdictButton("Accept (A)", "accept", ButtonVariant.LUMO_SUCCESS);
        Button reject = verdictButton("Reject (R)", "reject", ButtonVariant.LUMO_ERROR);
        Button unsure = verdictButton("Unsure (U)", "unsure", ButtonVariant.LUMO_CONTRAST);
        Button undo = new Button("Undo (Z)", e -> session.undo());
        undo.setId("review-undo");
        Button prev = new Button("← Previous", e -> session.previous());
        prev.setId("review-previous");
        Button next = new Button("Next →", e -> session.forward());
        next.setId("review-next");
        comment.setWidthFull();
        comment.setId("review-comment");
        comment.setMaxLength(4000);
        comment.setMaxHeight("7rem");

        H2 title = new H2("Review · " + project.name);
        title.addClassName("review-title");
        context.setId("review-context");
        context.addClassName("review-context");
        progress.setId("review-progress");
        progress.addClassName("review-progress");
        HorizontalLayout head = new HorizontalLayout(projectsLink(), title, context, progress);
        head.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        head.setWrap(true);
        head.setWidthFull();
        head.addClassName("review-head");
        HorizontalLayout options = session.tabular() ? new HorizontalLayout(model, method, kind, clear)
                : new HorizontalLayout(model, method, second, colormap, sign);
        options.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        options.setWrap(true);
        options.setWidthFull();
        // on rows the mark kind and "clear" sit beside the method (the bars need the height)
        HorizontalLayout paint = session.tabular() ? new HorizontalLayout() : new HorizontalLayout(tool, kind, clear);
        paint.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        paint.setWrap(true);
        Div pictures = new Div(canvas, compare);
        pictures.setId("review-pictures");
        pictures.addClassName("review-pictures");
        relianceLine.setId("review-reliance");
        relianceLine.addClassName("review-reliance");
        Button testRegion = new Button("Test region", e -> session.testPaintedRegion());
        testRegion.setId("review-reliance-test");
        testRegion.addThemeVariants(ButtonVariant.LUMO_SMALL);
        testRegion.setTooltipText("Replace the painted shortcut region by the same region of images of other "
                + "classes (and by the mean and a blur) and see whether the decision changes");
        HorizontalLayout relianceRow = new HorizontalLayout(relianceLine, testRegion);
        relianceRow.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        relianceRow.setWrap(true);
        relianceRow.addClassName("review-reliance-row");
        VerticalLayout left = session.tabular() ? new VerticalLayout(bars)
                : new VerticalLayout(pictures, relianceRow, paint);
        left.setPadding(false);
        left.addClassName("review-left");
        facts.setId("review-facts");
        wrong.setId("review-wrong");
        wrong.addClassName("review-wrong");
        wrong.setVisible(false);
        prediction.setId("review-prediction");
        quality.setId("review-quality");
        Span whyLabel = new Span("Why this sample: ");
        whyLabel.addClassName("review-why-label");
        whyText.setId("review-why-text");
        why.add(whyLabel, whyText);
        why.setId("review-why");
        myVerdict.setId("review-verdict");
        status.setId("review-status");
        status.addClassName("review-status");
        roundsLink.setId("review-rounds-link");
        roundsLink.setHref(Routes.of(Routes.ROUNDS, project.id));
        roundsLink.getElement().setAttribute("router-link", true);
        roundsLink.setVisible(false);
        Span keys = new Span(session.tabular()
                ? "Keys: A accept · R reject · U unsure · Z undo · ← → previous / next · click a feature to mark it"
                : "Keys: A accept · R reject · U unsure · Z undo · ← → previous / next · H hide or show the map");
        keys.setId("review-keys-help");
        keys.addClassName("review-keys-help");
        history.setId("review-history");
        history.addClassName("review-history");
        HorizontalLayout verdicts = new HorizontalLayout(accept, reject, unsure);
        verdicts.setWrap(true);
        verdicts.setId("review-verdict-buttons");
        HorizontalLayout moves = new HorizontalLayout(prev, next, undo);
        moves.setWrap(true);
        VerticalLayout right = new VerticalLayout(facts, wrong, prediction, verdicts, moves, status, roundsLink,
                myVerdict, comment, why, quality, keys, history);
        right.setPadding(false);
        right.setSpacing(false);
        right.addClassName("review-right");
        HorizontalLayout body = new HorizontalLayout(left, right);
        body.setWidthFull();
        body.addClassName("review-body");
        add(head, options, body);
        getElement().executeJs("if (window.rationaleReview) { window.rationaleReview.fit(this); }");
    }

    /**
     * Hides or shows the map from the keyboard (H) on both pictures, as the canvas's "Map (H)" box does: a
     * view setting, so it needs no drawn sample.
     */
    @ClientCallable
    void mapKey() {
        boolean show = !canvas.isMapVisible();
        both(c -> c.setMapVisible(show));
    }

    /**
     * Every registered method in both method lists; one that cannot run on the chosen model stays
     * listed, greyed out and marked "not available", with the reason in the list's tooltip.
     */
    private void offerMethods() {
        Map<String, MethodAvailability> offered = new LinkedHashMap<>();
        for (MethodAvailability m : session.methods()) {
            offered.put(m.method(), m);
        }
        List<String> names = new ArrayList<>(offered.keySet());
        List<String> withNone = new ArrayList<>();
        withNone.add(ReviewSession.NO_COMPARISON);
        withNone.addAll(names);
        String refused = offered.values().stream().filter(m -> !m.available())
                .map(m -> m.method() + ": " + m.refusal()).collect(Collectors.joining("\n"));
        for (Select<String> list : List.of(method, second)) {
            String chosen = list.getValue();
            list.setItems(list == method ? names : withNone);
            list.setItemEnabledProvider(n -> !offered.containsKey(n) || offered.get(n).available());
            list.setItemLabelGenerator(n -> !offered.containsKey(n) || offered.get(n).available() ? n
                    : n + " (not available)");
            list.setTooltipText(refused.isEmpty() ? null : "Not available for this model:\n" + refused);
            if (chosen != null) {
                list.setValue(chosen);
            }
        }
    }

    private void both(Consumer<ReviewCanvas> change) {
        change.accept(canvas);
        change.accept(compare);
    }

    private Button verdictButton(String label, String verdict, ButtonVariant variant) {
        Button b = new Button(label);
        // the click names the map the page had drawn: a second click that arrives after the next sample was sent is dropped
        b.getElement().addEventListener("click",
                        e -> session.verdict(verdict, e.getEventData().getString(DRAWN), comment.getValue()))
                .addEventData(DRAWN);
        b.addThemeVariants(variant);
        b.setId("verdict-" + verdict);
        return b;
    }

    /** Listeners, not overridden hooks: the view is a secured bean, and a page also detaches when its session ends. */
    private void attached(AttachEvent event) {
        ui = event.getUI();
        if (project != null) {
            session.listen();
        }
        getElement().executeJs("window.rationaleReview.listen(this); window.rationaleReview.fit(this)");
    }

    /** A key from the browser, with the key of the sample and map the canvas showed when it was pressed. */
    @ClientCallable
    void key(String action, String drawn) {
        session.key(action, drawn, comment.getValue());
    }

    /** Lays the map (at the model's resolution) over the part of the image the model saw. */
    private static void frame(ReviewCanvas c, ReviewSession.Picture p) {
        if (p.frame() != null) {
            c.setMapFrame(p.frame().x(), p.frame().y(), p.frame().width(), p.frame().height());
        }
    }

    /**
     * The page as the session sees it. Not the view itself: the view is a secured bean, and work that the
     * session finishes in the background reaches the page without the expert's identity.
     */
    private final class Page implements ReviewSession.Screen {

        @Override
        public void picture(ReviewSession.Picture p) {
            canvas.setSample(p.key(), p.image(), p.map(), p.width(), p.height(), p.channels());
            frame(canvas, p);
        }

        @Override
        public void comparison(ReviewSession.Picture p) {
            if (p != null) {
                compare.setSample(p.key(), p.image(), p.map(), p.width(), p.height(), p.channels());
                frame(compare, p);
            }
            // side by side, each picture names its method
            canvas.setCaption(p == null ? "" : session.method());
            compare.setCaption(p == null ? "" : session.second());
            boolean was = compare.isVisible();
            compare.setVisible(p != null);
            if (was != (p != null)) {
                getElement().executeJs("window.rationaleReview.fit(this)");
            }
        }

        @Override
        public void masks(byte[] relevant, byte[] shortcut) {
            canvas.setMasks(relevant, shortcut);
        }

        @Override
        public void row(String key, String caption, List<FeatureBars.Bar> shown) {
            bars.show(key, caption, shown);
        }

        @Override
        public void featureMarks(List<FeatureBars.Bar> shown) {
            bars.marked(shown);
        }

        @Override
        public void done(String text, boolean roundsPage) {
            canvas.setSample(ReviewSession.DONE, "", "", 0, 0, 1);
            bars.show(ReviewSession.DONE, "", List.of());
            canvas.setCaption("");
            compare.setVisible(false);
            facts.setText(text);
            wrong.setVisible(false);
            prediction.removeAll();
            quality.removeAll();
            relianceLine.setText("");
            whyText.setText("");
            myVerdict.setText("");
            roundsLink.setVisible(roundsPage);
        }

        @Override
        public void facts(String text) {
            facts.setText(text);
            roundsLink.setVisible(false);
        }

        @Override
        public void context(String text) {
            context.setText(text);
        }

        @Override
        public void switched(ModelVersion now) {
            model.setValue(now);
            offerMethods();
            second.setValue(session.second());
        }

        @Override
        public void history(List<ReviewSession.Visit> recent) {
            history.removeAll();
            Span heading = new Span(recent.isEmpty() ? "Your verdicts on this model will be listed here"
                    : "Your recent verdicts (newest first; click one to change it)");
            heading.addClassName("review-history-heading");
            history.add(heading);
            Long shown = session.sampleId();
            for (ReviewSession.Visit v : recent) {
                Button entry = new Button("Sample " + v.sampleId() + " · " + v.verdict() + " · " + v.method() + " · "
                        + (v.at() == null ? "" : TIME.format(v.at().atZoneSameInstant(ZoneId.systemDefault()))),
                        e -> session.goTo(v.sampleId()));
                entry.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL);
                entry.addClassName("review-history-entry");
                entry.getElement().setAttribute("data-sample", Long.toString(v.sampleId()));
                if (shown != null && shown == v.sampleId()) {
                    entry.addClassName("current");
                }
                history.add(new Div(entry));
            }
        }

        @Override
        public void address(Long sampleId) {
            UI page = ui;
            if (page != null) {
                String path = Routes.of(Routes.REVIEW, project.id) + (sampleId == null ? "" : "?sample=" + sampleId);
                page.getPage().getHistory().replaceState(null, path);
            }
        }

        @Override
        public void prediction(List<String> top, String wrongText) {
            wrong.setText(wrongText == null ? "" : wrongText);
            wrong.setVisible(wrongText != null);
            prediction.removeAll();
            for (int i = 0; i < top.size(); i++) {
                Span line = new Span(top.get(i));
                line.addClassName(i == 0 ? "top-class" : "other-class");
                prediction.add(new Div(line));
            }
        }

        @Override
        public void quality(String deletion, String sanity, String warning) {
            quality.removeAll();
            if (warning != null) {
                Span w = new Span(warning);
                w.setId("review-map-warning");
                w.getElement().getThemeList().add("badge error");
                w.getStyle().set("white-space", "normal").set("text-align", "start");
                quality.add(new Div(w));
            }
            Span auc = new Span(deletion);
            auc.setId("review-deletion-auc");
            quality.add(new Div(auc), new Div(new Span(sanity)));
        }

        @Override
        public void reliance(String text) {
            relianceLine.setText(text);
        }

        @Override
        public void why(String text) {
            whyText.setText(text);
        }

        @Override
        public void verdict(String mine, String text) {
            myVerdict.setText(mine);
            comment.setValue(text);
        }

        @Override
        public void progress(String text) {
            progress.setText(text);
        }

        @Override
        public void status(String text) {
            status.setText(text);
        }

        @Override
        public void problem(String text) {
            status.setText(text);
            Notification n = Notification.show(text, 6000, Notification.Position.MIDDLE);
            n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        }

        @Override
        public void access(Runnable change) {
            UI page = ui;
            if (page == null) {
                return;
            }
            try {
                page.access(change::run);
            } catch (UIDetachedException e) {
                // the page closed meanwhile: nothing to show it on
            }
        }
    }
}
