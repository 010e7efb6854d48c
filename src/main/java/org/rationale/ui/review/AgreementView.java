package org.rationale.ui.review;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.review.Agreement;
import org.rationale.review.ReviewQueue;
import org.rationale.review.ReviewService;
import org.rationale.security.Access;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.ProjectsView;
import org.rationale.ui.Routes;

import java.util.Locale;

/**
 * How far reviewers agree on a project's verdicts: Cohen's κ for every pair with common maps,
 * Krippendorff's α and Fleiss' κ over all, and the maps on which they disagree.
 */
@Route(value = Routes.AGREEMENT, layout = MainLayout.class)
@PageTitle("Agreement · Rationale")
@PermitAll
public class AgreementView extends VerticalLayout implements BeforeEnterObserver {

    private final ProjectService projects;
    private final ReviewService reviews;
    private final ReviewQueue queue;
    private final Access access;

    @Inject
    public AgreementView(ProjectService projects, ReviewService reviews, ReviewQueue queue, Access access) {
        this.projects = projects;
        this.reviews = reviews;
        this.queue = queue;
        this.access = access;
        addClassName("agreement-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        Project p = ProjectRoute.resolve(event, projects, access, this).orElse(null);
        if (p == null) {
            return;
        }
        ReviewService.AgreementReport r = reviews.agreement(p.id, null);
        Paragraph overall = new Paragraph(String.format(Locale.US, "%,d verdicts · Krippendorff's α %s · Fleiss' κ %s",
                r.verdicts(), format(r.krippendorffsAlpha()), format(r.fleissKappa())));
        overall.setId("agreement-overall");
        Grid<Agreement.PairAgreement> pairs = new Grid<>();
        pairs.addColumn(Agreement.PairAgreement::raterA).setHeader("Reviewer");
        pairs.addColumn(Agreement.PairAgreement::raterB).setHeader("Reviewer");
        pairs.addColumn(Agreement.PairAgreement::commonItems).setHeader("Maps both judged");
        pairs.addColumn(x -> String.format(Locale.US, "%.0f %%", 100 * x.observedAgreement())).setHeader("Agree");
        pairs.addColumn(x -> x.kappa().isPresent() ? String.format(Locale.US, "%.3f", x.kappa().getAsDouble()) : "—")
                .setHeader("Cohen's κ");
        pairs.setItems(r.pairs());
        pairs.setAllRowsVisible(true);
        pairs.addThemeVariants(GridVariant.LUMO_COMPACT);
        pairs.setId("agreement-pairs");
        Grid<String> disagreements = new Grid<>();
        disagreements.addColumn(x -> x).setHeader("Map");
        disagreements.setItems(r.disagreements());
        disagreements.setAllRowsVisible(true);
        disagreements.setId("agreement-disagreements");
        add(new RouterLink("← Projects", ProjectsView.class), new H2("Agreement · " + p.name), overall);
        int overlap = queue.settingsOf(p.id).overlap();
        if (overlap < 2) {
            Div why = new Div(new Span("Agreement needs two or more reviewers on the same samples, and this project "
                    + "hands each sample to one reviewer (overlap 1). "));
            if (access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false)) {
                Anchor settings = new Anchor(Routes.of(Routes.SETTINGS, p.id), "Set the overlap to 2 or more");
                settings.setId("agreement-settings-link");
                settings.getElement().setAttribute("router-link", true);
                why.add(settings, new Span(" in the project's settings; samples reviewed from then on are judged twice."));
            } else {
                why.add(new Span("An engineer or admin can set the overlap to 2 or more in the project's settings."));
            }
            why.addClassName("next-step");
            why.setId("agreement-needs-overlap");
            add(why);
        }
        add(new H3("Pairs of reviewers"));
        if (r.pairs().isEmpty()) {
            add(note("agreement-pairs-empty", r.verdicts() == 0
                    ? "No verdicts yet: pairs appear once two reviewers have judged the same maps in the review session."
                    : "No two reviewers have judged the same map yet" + (overlap < 2 ? " (overlap 1 hands each sample "
                    + "to one reviewer)." : "; pairs appear as reviewers judge the samples handed to them.")));
        } else {
            add(pairs);
        }
        add(new H3("Where reviewers disagree"));
        if (r.disagreements().isEmpty()) {
            add(note("agreement-disagreements-empty", r.pairs().isEmpty()
                    ? "Nothing to compare yet: disagreements are maps that two reviewers judged differently."
                    : "None: every map judged by two or more reviewers got the same verdict from all of them."));
        } else {
            add(disagreements);
        }
    }

    private static Paragraph note(String id, String text) {
        Paragraph p = new Paragraph(text);
        p.addClassName("empty-note");
        p.setId(id);
        return p;
    }

    private static String format(Double d) {
        return d == null ? "— (needs two reviewers on the same maps)" : String.format(Locale.US, "%.3f", d);
    }
}
