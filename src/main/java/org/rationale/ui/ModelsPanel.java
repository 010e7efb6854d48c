package org.rationale.ui;

import org.rationale.error.DomainError;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.saliency.SanityCheck;
import org.rationale.saliency.SanityService;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The models of a project on its card: how each was made, its accuracy by split, and the verdict of
 * the randomisation sanity check per method (flagged methods stand out), with a button to run the
 * checks that are missing.
 */
public class ModelsPanel extends Div {

    private final ModelService models;
    private final SanityService sanity;
    private final long projectId;

    private final boolean mayRunChecks;

    public ModelsPanel(ModelService models, SanityService sanity, long projectId, boolean mayRunChecks) {
        this.mayRunChecks = mayRunChecks;
        this.models = models;
        this.sanity = sanity;
        this.projectId = projectId;
        addClassName("models-panel");
        render();
    }

    private void render() {
        removeAll();
        List<ModelVersion> all = models.list(projectId);
        if (all.isEmpty()) {
            return;
        }
        add(new H3("Models"));
        for (ModelVersion v : all) {
            Div row = new Div();
            row.addClassName("model-row");
            row.getElement().setAttribute("data-model", v.name + " v" + v.version);
            Span name = new Span(v.name + " v" + v.version);
            name.addClassName("model-name");
            Span how = new Span(v.origin + (v.supportsCam ? " · CAM-ready" : ""));
            how.addClassName("model-origin");
            row.add(name, how);
            Map<String, Double> acc = ModelService.trainingAccuracy(v);
            acc.forEach((split, a) -> {
                Span b = new Span(split + " accuracy " + String.format(Locale.US, "%.1f %%", a * 100));
                b.getElement().getThemeList().add("badge small");
                row.add(b);
            });
            Div checks = new Div();
            checks.addClassName("sanity-badges");
            for (SanityCheck.Result r : sanity.stored(v.id)) {
                Span b = new Span((r.passed() ? "✓ " : "⚠ ") + r.method());
                b.getElement().getThemeList().add("badge small " + (r.passed() ? "success" : "error primary"));
                b.getElement().setAttribute("title", String.format(Locale.US,
                        "Randomisation check: similarity %.2f after randomising every layer (fails above %.2f)%s",
                        r.finalSimilarity(), r.threshold(), r.passed() ? "" : " — these maps barely depend on the weights"));
                b.addClassName(r.passed() ? "sanity-passed" : "sanity-flagged");
                checks.add(b);
            }
            Button run = new Button("Run sanity checks", VaadinIcon.CHECK_CIRCLE_O.create(), e -> runChecks(v));
            run.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            run.addClassName("run-sanity");
            run.setVisible(mayRunChecks);
            row.add(checks, run);
            add(row);
        }
    }

    private void runChecks(ModelVersion v) {
        try {
            SanityService.Summary summary = sanity.checkAll(v.id);
            render();
            Notification.show(summary.checked() + " methods checked, " + summary.flagged() + " flagged"
                            + (summary.notRun().isEmpty() ? "" : "; not applicable: " + String.join(", ", summary.notRun().keySet())),
                    5000, Notification.Position.BOTTOM_START)
                    .addThemeVariants(summary.flagged() == 0 ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_WARNING);
        } catch (DomainError e) {
            Notification.show(e.describe(), 6000,
                    Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
    }
}
