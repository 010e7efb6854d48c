package org.rationale.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.RouterLink;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.security.Access;

import java.util.Optional;

/**
 * The project a {@code projects/:projectId/...} view is about: read from the route, shown only to
 * someone who sees it; otherwise the view shows "Project not found" with a way back.
 */
public final class ProjectRoute {

    private ProjectRoute() {
    }

    public static Optional<Project> resolve(BeforeEnterEvent event, ProjectService projects, Access access,
                                            VerticalLayout view) {
        long id;
        try {
            id = Long.parseLong(event.getRouteParameters().get("projectId").orElse(""));
        } catch (NumberFormatException e) {
            id = -1;
        }
        long projectId = id;
        Optional<Project> p = projects.find(projectId).filter(x -> access.sees(x.id));
        if (p.isEmpty()) {
            view.add(new RouterLink("← Projects", ProjectsView.class), new H2("Project not found"));
        }
        return p;
    }

    /**
     * Clears the view for a new visit and resolves its project, as {@link #resolve} does; when the
     * project is seen the view starts with the way back and its heading, "{@code title} · project".
     */
    public static Optional<Project> enter(BeforeEnterEvent event, ProjectService projects, Access access,
                                          VerticalLayout view, String title) {
        view.removeAll();
        Optional<Project> p = resolve(event, projects, access, view);
        p.ifPresent(x -> view.add(new RouterLink("← Projects", ProjectsView.class), new H2(title + " · " + x.name)));
        return p;
    }
}
