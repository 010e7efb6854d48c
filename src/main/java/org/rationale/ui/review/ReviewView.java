package org.rationale.ui.review;

import org.rationale.error.DomainError;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.review.ReviewService;
import org.rationale.saliency.MapEncoding;
import org.rationale.saliency.SaliencyMap;
import org.rationale.saliency.SaliencyService;
import org.rationale.saliency.SanityService;
import org.rationale.security.Access;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.ProjectsView;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The review session: one sample at a time, large, with its saliency map on a canvas; the expert
 * accepts (A), rejects (R) or is unsure (U) about the rationale, undoes the last verdict (Z), moves
 * with the arrow keys, and paints what should matter or must not. Every verdict judges the map shown
 * (model version and method); conflicts with other reviewers come back as a message, never as a
 * silent overwrite.
 */
@Route(value = "projects/:projectId/review", layout = MainLayout.class)
@RolesAllowed({Role.EXPERT, Role.ADMIN})
public class ReviewView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    static final List<String> METHODS = List.of("vanilla-gradient", "gradient-x-input", "integrated-gradients",
            "smoothgrad", "grad-cam", "occlusion");

    private final ProjectService projects;
    private final DatasetService datasets;
    private final ModelService models;
    private final PredictionService predictions;
    private final SaliencyService saliency;
    private final SanityService sanity;
    private final ReviewService reviews;
    private final Access access;
    private final org.rationale.review.ReviewBroadcaster broadcaster;
    private final org.rationale.scheduler.SchedulerService scheduler;
    private final org.rationale.scheduler.RoundService rounds;
    /** The split under review: test by default, train while a feedback round asks for reviews. */
    private String split = "test";
    private Runnable unregister;

    private final ReviewCanvas canvas = new ReviewCanvas();
    private final ReviewCanvas compare = new ReviewCanvas();
    private final Select<ModelVersion> model = new Select<>();
    private final Select<String> method = new Select<>();
    private final Select<String> second = new Select<>();
    private final Span progress = new Span();
    private final Span facts = new Span();
    private final Div prediction = new Div();
    private final Div quality = new Div();
    private final Span why = new Span();
    private final Span myVerdict = new Span();
    private final TextArea comment = new TextArea("Comment");
    private final Span status = new Span();

    private Project project;
    private Caller caller;
    private Sample current;
    private SaliencyMap currentMap;
    private Integer currentVersion;
    private final Map<String, Integer> maskVersions = new java.util.HashMap<>();
    private final List<Long> history = new ArrayList<>();
    private int position = -1;

    @Inject
    public ReviewView(ProjectService projects, DatasetService datasets, ModelService models, PredictionService predictions,
                      SaliencyService saliency, SanityService sanity, ReviewService reviews, Access access,
                      org.rationale.review.ReviewBroadcaster broadcaster,
                      org.rationale.scheduler.SchedulerService scheduler, org.rationale.scheduler.RoundService rounds) {
        this.broadcaster = broadcaster;
        this.scheduler = scheduler;
        this.rounds = rounds;
        this.projects = projects;
        this.datasets = datasets;
        this.models = models;
        this.predictions = predictions;
        this.saliency = saliency;
        this.sanity = sanity;
        this.reviews = reviews;
        this.access = access;
        addClassName("review-view");
        setId("review-view");
    }

    @Override
    public String getPageTitle() {
        return (project == null ? "Review" : "Review · " + project.name) + " · Rationale";
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        caller = access.caller();
        project = org.rationale.ui.ProjectRoute.resolve(event, projects, access, this).orElse(null);
        if (project == null) {
            return;
        }
        List<ModelVersion> versions = models.list(project.id);
        if (versions.isEmpty()) {
            add(new RouterLink("← Projects", ProjectsView.class), new H2(project.name),
                    new Span("This project has no model yet: nothing to review."));
            return;
        }
        build(versions);
        getUI().ifPresent(this::listenForChanges);
        List<String> wanted = event.getLocation().getQueryParameters().getParameters().get("sample");
        Long start = null;
        if (wanted != null && !wanted.isEmpty()) {
            try {
                start = Long.parseLong(wanted.get(0));
            } catch (NumberFormatException ignored) {
                start = null;
            }
        }
        if (start != null && datasets.sample(start).filter(s -> s.projectId.equals(project.id)).isPresent()) {
            open(start, "opened by address");
        } else {
            nextFromQueue();
        }
    }

    private void build(List<ModelVersion> versions) {
        model.setLabel("Model");
        model.setItems(versions);
        model.setItemLabelGenerator(v -> v.name + " v" + v.version);
        model.setValue(versions.stream().max(Comparator.comparing(v -> v.id)).orElseThrow());
        // a feedback round asking for reviews: its model's training samples, in the scheduler's order
        rounds.open(project.id).filter(r -> r.state().equals("reviewing")).ifPresent(r -> {
            split = "train";
            versions.stream().filter(v -> v.id == r.modelId()).findFirst().ifPresent(model::setValue);
        });
        model.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                history.clear();
                position = -1;
                nextFromQueue();
            }
        });
        method.setLabel("Method");
        method.setItems(METHODS);
        method.setValue("vanilla-gradient");
        method.setId("review-method");
        method.addValueChangeListener(e -> {
            if (e.isFromClient() && current != null) {
                show(current.id, why.getText());
            }
        });
        second.setLabel("Side by side");
        List<String> none = new ArrayList<>();
        none.add("none");
        none.addAll(METHODS);
        second.setItems(none);
        second.setValue("none");
        second.addValueChangeListener(e -> {
            if (e.isFromClient() && current != null) {
                show(current.id, why.getText());
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
        Input opacity = new Input();
        opacity.setType("range");
        opacity.getElement().setAttribute("min", "0");
        opacity.getElement().setAttribute("max", "100");
        opacity.setValue("60");
        opacity.setId("review-opacity");
        opacity.getElement().setAttribute("aria-label", "Map opacity");
        opacity.addValueChangeListener(e -> both(c -> c.setOpacity(Integer.parseInt(e.getValue()) / 100.0)));
        Select<ReviewCanvas.Tool> tool = new Select<>();
        tool.setLabel("Tool");
        tool.setItemLabelGenerator(e -> e.name().toLowerCase(Locale.ROOT));
        tool.setItems(ReviewCanvas.Tool.values());
        tool.setValue(ReviewCanvas.Tool.NONE);
        tool.setId("review-tool");
        tool.addValueChangeListener(e -> canvas.setTool(e.getValue()));
        Select<ReviewCanvas.MaskKind> kind = new Select<>();
        kind.setLabel("Paint");
        kind.setItemLabelGenerator(e -> e.name().toLowerCase(Locale.ROOT));
        kind.setItems(ReviewCanvas.MaskKind.values());
        kind.setValue(ReviewCanvas.MaskKind.SHORTCUT);
        kind.setId("review-kind");
        kind.addValueChangeListener(e -> canvas.setMaskKind(e.getValue()));
        canvas.setMaskKind(ReviewCanvas.MaskKind.SHORTCUT);
        IntegerField brush = new IntegerField("Brush");
        brush.setMin(0);
        brush.setMax(20);
        brush.setValue(2);
        brush.setStepButtonsVisible(true);
        brush.setWidth("7rem");
        brush.addValueChangeListener(e -> canvas.setBrushSize(e.getValue() == null ? 2 : e.getValue()));
        Button clear = new Button("Clear masks", e -> canvas.clearMasks());
        clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        canvas.setId("review-canvas");
        canvas.addMasksChangedListener(e -> saveMasks(e.getRelevantMask(), e.getShortcutMask()));
        compare.setId("review-compare");
        compare.setVisible(false);
        compare.setDisplaySize(448);

        Button accept = verdictButton("Accept (A)", "accept", ButtonVariant.LUMO_SUCCESS);
        Button reject = verdictButton("Reject (R)", "reject", ButtonVariant.LUMO_ERROR);
        Button unsure = verdictButton("Unsure (U)", "unsure", ButtonVariant.LUMO_CONTRAST);
        Button undo = new Button("Undo (Z)", e -> undo());
        Button prev = new Button("← Previous", e -> previous());
        Button next = new Button("Next →", e -> forward());
        comment.setWidthFull();
        comment.setId("review-comment");
        comment.setMaxLength(4000);

        HorizontalLayout head = new HorizontalLayout(new RouterLink("← Projects", ProjectsView.class),
                new H2("Review · " + project.name), progress);
        head.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        progress.setId("review-progress");
        HorizontalLayout options = new HorizontalLayout(model, method, second, colormap, sign, opacity);
        options.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        options.setWrap(true);
        HorizontalLayout paint = new HorizontalLayout(tool, kind, brush, clear);
        paint.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        HorizontalLayout pictures = new HorizontalLayout(canvas, compare);
        VerticalLayout left = new VerticalLayout(pictures, paint);
        left.setPadding(false);
        facts.setId("review-facts");
        prediction.setId("review-prediction");
        quality.setId("review-quality");
        why.setId("review-why");
        myVerdict.setId("review-verdict");
        status.setId("review-status");
        HorizontalLayout verdicts = new HorizontalLayout(accept, reject, unsure, undo);
        HorizontalLayout moves = new HorizontalLayout(prev, next);
        VerticalLayout right = new VerticalLayout(facts, prediction, quality, why, myVerdict, comment, verdicts, moves,
                status);
        right.setPadding(false);
        right.setWidth("26rem");
        HorizontalLayout body = new HorizontalLayout(left, right);
        body.setWidthFull();
        add(head, options, body);
    }

    private void both(java.util.function.Consumer<ReviewCanvas> change) {
        change.accept(canvas);
        change.accept(compare);
    }

    /** What the page reports as drawn: the main canvas's key once it rendered that sample and map, else empty. */
    private static final String DRAWN = "(c => c && c.getAttribute('data-rendered-key') === c.sampleKey ? c.sampleKey : '')"
            + "(document.getElementById('review-canvas'))";

    private Button verdictButton(String label, String verdict, ButtonVariant variant) {
        Button b = new Button(label);
        // the click names the map the page had drawn: a second click that arrives after the next sample was sent is dropped
        b.getElement().addEventListener("click", e -> verdict(verdict, e.getEventData().getString(DRAWN)))
                .addEventData(DRAWN);
        b.addThemeVariants(variant);
        b.setId("verdict-" + verdict);
        return b;
    }

    @Override
    protected void onDetach(com.vaadin.flow.component.DetachEvent event) {
        if (unregister != null) {
            unregister.run();
            unregister = null;
        }
    }

    /** Counts follow everyone's verdicts live (pushed when any reviewer of the project acts). */
    private void listenForChanges(com.vaadin.flow.component.UI ui) {
        if (unregister != null) {
            unregister.run();
        }
        long projectId = project.id;
        // coalesced: with many reviewers, changes arrive faster than a page should redraw its counts
        java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean();
        unregister = broadcaster.register(projectId, change -> {
            if (pending.compareAndSet(false, true)) {
                LIVE.schedule(() -> {
                    pending.set(false);
                    ui.access(() -> {
                        if (project != null && project.id == projectId && model.getValue() != null) {
                            refreshProgress();
                        }
                    });
                }, 1, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
    }

    private static final java.util.concurrent.ScheduledExecutorService LIVE =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "review-live-counts");
                t.setDaemon(true);
                return t;
            });

    @Override
    protected void onAttach(AttachEvent event) {
        if (project != null) {
            listenForChanges(event.getUI());
        }
        // keys go to the server unless the person is typing in a field; auto-repeat is ignored, one key is on its
        // way at a time, and a key counts only while the canvas shows what the server last sent (keys pressed
        // while the next sample loads are dropped): each key names the map that was drawn when it was pressed
        getElement().executeJs("""
                const view = this;
                if (window.__rationaleReviewKeys) { document.removeEventListener('keydown', window.__rationaleReviewKeys); }
                window.__rationaleReviewKeys = e => {
                  if (!view.isConnected || e.ctrlKey || e.metaKey || e.altKey || e.repeat || !e.key) { return; }
                  const t = e.composedPath()[0];
                  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) { return; }
                  const keys = {a: 'accept', r: 'reject', u: 'unsure', z: 'undo', ArrowLeft: 'previous', ArrowRight: 'next'};
                  const k = keys[e.key.length === 1 ? e.key.toLowerCase() : e.key];
                  if (!k) { return; }
                  e.preventDefault();
                  const c = view.querySelector('#review-canvas');
                  const drawn = c ? c.getAttribute('data-rendered-key') : null;
                  if (!drawn || drawn !== c.sampleKey || Date.now() - (view.__rationaleKeySent || 0) < 10000) { return; }
                  view.__rationaleKeySent = Date.now();
                  const done = () => { view.__rationaleKeySent = 0; };
                  view.$server.key(k, drawn).then(done, done);
                };
                document.addEventListener('keydown', window.__rationaleReviewKeys);""");
    }

    /** A key from the browser, with the key of the sample and map the canvas showed when it was pressed. */
    @ClientCallable
    void key(String action, String drawn) {
        if (project == null || action == null) {
            return;
        }
        switch (action) {
            case "accept", "reject", "unsure" -> verdict(action, drawn);
            case "undo" -> undo();
            case "previous" -> previous();
            case "next" -> forward();
            default -> { }
        }
    }

    /**
     * Judges the map shown, named by the key the page reported drawn ({@code s<sample>-m<map>}): a verdict
     * whose key names another map than the current one (sent before the page drew the sample now current)
     * is dropped, never moved onto a sample the expert did not see.
     */
    private void verdict(String verdict, String drawn) {
        if (current == null || currentMap == null) {
            return;
        }
        long shown = mapOf(drawn);
        if (shown != currentMap.id()) {
            status.setText("Not recorded: sample " + current.id + " was not drawn yet when the verdict was given");
            return;
        }
        try {
            ReviewService.Review r = reviews.verdict(caller, current.id, shown, verdict, comment.getValue(),
                    currentVersion);
            status.setText("Sample " + current.id + ": " + r.verdict());
            forward();
        } catch (DomainError e) {
            problem(e);
        }
    }

    /** The map id of a canvas key {@code s<sample>-m<map>}; -1 when the key names none. */
    static long mapOf(String key) {
        int at = key == null ? -1 : key.lastIndexOf("-m");
        if (at < 0 || !key.startsWith("s")) {
            return -1;
        }
        try {
            return Long.parseLong(key.substring(at + 2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void undo() {
        try {
            Optional<ReviewService.Review> undone = reviews.undoLast(caller, project.id);
            if (undone.isEmpty()) {
                status.setText("No verdict of yours to undo");
                return;
            }
            long sample = undone.get().sampleId();
            int at = history.lastIndexOf(sample);
            if (at >= 0) {
                position = at;
            } else {
                history.add(sample);
                position = history.size() - 1;
            }
            show(sample, "your verdict was undone");
            status.setText("Undid your verdict (" + undone.get().verdict() + ") on sample " + sample);
        } catch (DomainError e) {
            problem(e);
        }
    }

    private void previous() {
        if (position > 0) {
            position--;
            show(history.get(position), "seen before in this session");
        }
    }

    private void forward() {
        if (position >= 0 && position < history.size() - 1) {
            position++;
            show(history.get(position), "seen before in this session");
        } else {
            nextFromQueue();
        }
    }

    private void nextFromQueue() {
        // skip every sample of this session: pressing Next without a verdict moves on instead of cycling
        Optional<Long> next = reviews.next(project.id, caller, model.getValue().id, split, List.copyOf(history));
        if (next.isEmpty()) {
            current = null;
            currentMap = null;
            canvas.setSample("done", "", "", 0, 0, 1);
            facts.setText("Nothing left to review for this model: every " + split + " sample has its verdicts.");
            refreshProgress();
            return;
        }
        history.add(next.get());
        position = history.size() - 1;
        show(next.get(), "next in the queue (by id: the scheduler has not ranked this model's samples)");
    }

    private void open(long sampleId, String reason) {
        history.add(sampleId);
        position = history.size() - 1;
        show(sampleId, reason);
    }

    private void show(long sampleId, String reason) {
        ModelVersion v = model.getValue();
        Sample s = datasets.sample(sampleId).orElseThrow();
        current = s;
        try {
            currentMap = saliency.map(s.id, v.id, method.getValue(), "predicted", Map.of(), false);
        } catch (DomainError e) {
            currentMap = null;
            problem(e);
            return;
        }
        // the map is handed to the expert: a verdict may judge it, and no map the page never had
        reviews.handOut(caller, s.id, currentMap.id());
        String image = "data:image/png;base64," + Base64.getEncoder().encodeToString(datasets.imagePng(s.id).orElseThrow());
        List<Integer> shape = currentMap.shape();
        canvas.setSample("s" + s.id + "-m" + currentMap.id(), image,
                Base64.getEncoder().encodeToString(MapEncoding.encode(currentMap.values())), shape.get(2), shape.get(1),
                shape.get(0));
        if (!"none".equals(second.getValue())) {
            try {
                SaliencyMap other = saliency.map(s.id, v.id, second.getValue(), "predicted", Map.of(), false);
                compare.setSample("s" + s.id + "-m" + other.id(), image,
                        Base64.getEncoder().encodeToString(MapEncoding.encode(other.values())), shape.get(2), shape.get(1),
                        shape.get(0));
                compare.setVisible(true);
            } catch (DomainError e) {
                compare.setVisible(false);
            }
        } else {
            compare.setVisible(false);
        }
        byte[] relevant = null;
        byte[] shortcut = null;
        maskVersions.clear();
        for (ReviewService.Annotation a : reviews.annotations(s.id)) {
            maskVersions.put(a.kind(), a.version());
            if (a.kind().equals("relevant")) {
                relevant = a.mask();
            } else {
                shortcut = a.mask();
            }
        }
        canvas.setMasks(relevant == null ? new byte[0] : relevant, shortcut == null ? new byte[0] : shortcut);

        String label = s.label >= 0 && s.label < project.classNames.size() ? project.classNames.get(s.label) : "?";
        facts.setText("Sample " + s.id + " · label " + label + " · " + s.split);
        Prediction p = predictions.predict(s, v);
        prediction.removeAll();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < p.probabilities().size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> p.probabilities().get(i)).reversed());
        for (int i = 0; i < Math.min(3, order.size()); i++) {
            int c = order.get(i);
            Span line = new Span(String.format(Locale.US, "%s %.1f %%", project.classNames.get(c),
                    100 * p.probabilities().get(c)));
            line.addClassName(i == 0 ? "top-class" : "other-class");
            prediction.add(new Div(line));
        }
        renderQuality(v);
        if (!currentMap.metrics().containsKey("deletionAuc")) {
            curvesLater(s.id, v, currentMap.method(), currentMap.id());
        }
        why.setText("Why this sample: " + scheduler.why(project.id, v.id, s.id)
                .map(r -> String.format(Locale.US, "#%d of the %s queue, score %.3f: %s", r.position() + 1, r.strategy(),
                        r.score(), org.rationale.ui.scheduler.RoundsView.breakdown(r.components())))
                .orElse(reason));
        Optional<ReviewService.Review> mine = reviews.mine(caller, currentMap.id());
        currentVersion = mine.map(ReviewService.Review::version).orElse(null);
        myVerdict.setText(mine.map(r -> "Your verdict: " + r.verdict() + " (v" + r.version() + ")").orElse("No verdict yet"));
        comment.setValue(mine.map(r -> r.comment() == null ? "" : r.comment()).orElse(""));
        refreshProgress();
    }

    private void renderQuality(ModelVersion v) {
        quality.removeAll();
        Double deletion = currentMap.metrics().get("deletionAuc");
        Span auc = new Span(deletion == null ? "deletion AUC: computing…"
                : String.format(Locale.US, "deletion AUC %.3f (lower: the map finds what the model uses)", deletion));
        auc.setId("review-deletion-auc");
        quality.add(new Div(auc));
        sanity.stored(v.id).stream().filter(r -> r.method().equals(currentMap.method())).findFirst()
                .ifPresentOrElse(r -> quality.add(new Div(new Span(r.passed() ? "sanity check passed"
                                : "sanity check FAILED: the map barely changes when the model is randomised"))),
                        () -> quality.add(new Div(new Span("sanity check not run for this method"))));
    }

    /** The deletion/insertion curves cost 58 forward passes: the map shows first, the numbers follow by push. */
    private void curvesLater(long sampleId, ModelVersion v, String methodName, long mapId) {
        com.vaadin.flow.component.UI ui = com.vaadin.flow.component.UI.getCurrent();
        CURVES.execute(() -> {
            try {
                SaliencyMap full = saliency.map(sampleId, v.id, methodName, "predicted", Map.of(), true);
                ui.access(() -> {
                    if (currentMap != null && currentMap.id() == mapId) {
                        currentMap = full;
                        renderQuality(v);
                    }
                });
            } catch (RuntimeException e) {
                // the map stays without its curves; the next view tries again
            }
        });
    }

    private static final java.util.concurrent.ExecutorService CURVES = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "review-curves");
        t.setDaemon(true);
        return t;
    });

    private void saveMasks(byte[] relevant, byte[] shortcut) {
        if (current == null) {
            return;
        }
        try {
            for (String kind : ReviewService.KINDS) {
                byte[] mask = kind.equals("relevant") ? relevant : shortcut;
                int had = maskVersions.getOrDefault(kind, 0);
                boolean empty = mask.length == 0 || allZero(mask);
                if (empty && had == 0) {
                    continue;
                }
                byte[] full = mask.length == 0 ? new byte[current.width * current.height] : mask;
                Optional<ReviewService.Annotation> saved = reviews.annotate(caller, current.id, kind, full, had);
                maskVersions.put(kind, saved.map(ReviewService.Annotation::version).orElse(0));
            }
            status.setText("Masks saved");
        } catch (DomainError e) {
            problem(e);
        }
    }

    private static boolean allZero(byte[] mask) {
        for (byte b : mask) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void problem(DomainError e) {
        String text = e.describe();
        status.setText(text);
        Notification n = Notification.show(text, 6000, Notification.Position.MIDDLE);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }

    private void refreshProgress() {
        ReviewService.Progress pr = reviews.progress(project.id, caller, model.getValue().id, split);
        progress.setText(String.format(Locale.US, "you %,d · everyone %,d of %,d %s samples · %,d verdicts · %d reserved now",
                pr.reviewedByMe(), pr.reviewedByAnyone(), pr.samples(), split, pr.verdicts(), pr.reservedNow()));
    }
}
