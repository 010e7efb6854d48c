package org.rationale.ui;

import org.rationale.project.Modality;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.router.QueryParameters;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.saliency.SanityCheck;
import org.rationale.saliency.SanityService;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The models of a project on its card: how each was made, its accuracy by split, and the result of
 * the randomisation sanity check per method as numbers (the similarity after randomising every
 * layer against the threshold; flagged methods stand out), with the way to the sanity-check page,
 * and for engineers to the upload and training pages.
 */
public class ModelsPanel extends Div {

    private final ModelService models;
    private final SanityService sanity;
    private final long projectId;
    private final Modality modality;

    private final boolean mayChangeModels;

    /** {@code mayChangeModels}: the viewer may upload, train and run checks (admins and engineers). */
    public ModelsPanel(ModelService models, SanityService sanity, long projectId, Modality modality,
                       boolean mayChangeModels) {
        this.mayChangeModels = mayChangeModels;
        this.models = models;
        this.sanity = sanity;
        this.projectId = projectId;
        this.modality = modality;
        addClassName("models-panel");
        render();
    }

    private void render() {
        removeAll();
        List<ModelVersion> all = models.list(projectId);
        if (all.isEmpty()) {
            return; // the card's next step says how a project gets its first model
        }
        add(new H3("Models"));
        if (mayChangeModels) {
            Div actions = new Div();
            actions.addClassName("model-actions");
            actions.add(link("Upload a model", VaadinIcon.UPLOAD, Routes.of(Routes.MODEL_UPLOAD, projectId),
                    "upload-model-" + projectId));
            actions.add(link("Train the " + PlatformModel.shortName(modality), VaadinIcon.CHART_LINE, Routes.of(Routes.TRAINING, projectId),
                    "train-model-" + projectId));
            add(actions);
        }
        Long current = models.current(projectId).map(v -> v.id).orElse(null);
        for (ModelVersion v : all) {
            Div row = new Div();
            row.addClassName("model-row");
            row.getElement().setAttribute("data-model", v.label());
            Span name = new Span(v.label());
            name.addClassName("model-name");
            Span how = new Span(v.origin + (v.supportsCam ? " · CAM-ready" : ""));
            how.addClassName("model-origin");
            row.add(name, how);
            if (v.id.equals(current)) {
                // the version reviewed, ranked and reported by default (a round's worse version is not made current)
                Span isCurrent = new Span("current");
                isCurrent.getElement().getThemeList().add("badge small success");
                isCurrent.addClassName("model-current");
                row.add(isCurrent);
            }
            Map<String, Double> acc = ModelService.trainingAccuracy(v);
            acc.forEach((split, a) -> {
                Span b = new Span(split + " accuracy " + String.format(Locale.US, "%.1f %%", a * 100));
                b.getElement().getThemeList().add("badge small");
                row.add(b);
            });
            Div checks = new Div();
            checks.addClassName("sanity-badges");
            for (SanityCheck.Result r : sanity.stored(v.id)) {
                if (r.inconclusive()) {
                    // no number: a similarity of maps without signal means nothing
                    Span b = new Span("? " + r.method() + " no signal");
                    b.getElement().getThemeList().add("badge small contrast");
                    b.getElement().setAttribute("title", "Randomisation check inconclusive: " + r.noSignal()
                            + ". Judge by another method");
                    b.addClassName("sanity-inconclusive");
                    checks.add(b);
                    continue;
                }
                Span b = new Span(String.format(Locale.US, "%s %s %.2f", r.passed() ? "✓" : "⚠", r.method(),
                        r.finalSimilarity()));
                b.getElement().getThemeList().add("badge small " + (r.passed() ? "success" : "error primary"));
                b.getElement().setAttribute("title", String.format(Locale.US,
                        "Randomisation check: similarity %.2f after randomising every layer (fails above %.2f)%s",
                        r.finalSimilarity(), r.threshold(), r.passed() ? "" : " — these maps barely depend on the weights"));
                b.addClassName(r.passed() ? "sanity-passed" : "sanity-flagged");
                checks.add(b);
            }
            Button checksPage = link(mayChangeModels ? "Run sanity checks" : "Sanity checks", VaadinIcon.CHECK_CIRCLE_O,
                    null, null);
            checksPage.addClassName("run-sanity");
            checksPage.addClickListener(e -> getUI().ifPresent(ui -> ui.navigate(Routes.of(Routes.SANITY, projectId),
                    QueryParameters.of("model", String.valueOf(v.id)))));
            row.add(checks, checksPage);
            add(row);
        }
    }

    /** A button to a page; without a path, the caller adds where it leads. */
    private Button link(String text, VaadinIcon icon, String path, String id) {
        Button b = new Button(text, icon.create());
        if (path != null) {
            b.addClickListener(e -> getUI().ifPresent(ui -> ui.navigate(path)));
        }
        b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
        if (id != null) {
            b.setId(id);
        }
        return b;
    }
}
