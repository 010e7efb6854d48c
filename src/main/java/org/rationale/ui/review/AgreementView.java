package org.rationale.ui.review;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
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
import org.rationale.review.ReviewService;
import org.rationale.security.Access;
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
    private final Access access;

    @Inject
    public AgreementView(ProjectService projects, ReviewService reviews, Access access) {
        this.projects = projects;
        this.reviews = reviews;
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
        add(new RouterLink("← Projects", ProjectsView.class), new H2("Agreement · " + p.name), overall,
                new H3("Pairs of reviewers"), pairs, new H3("Where reviewers disagree"), disagreements);
    }

    private static String format(Double d) {
        return d == null ? "— (needs overlapping verdicts)" : String.format(Locale.US, "%.3f", d);
    }
}
