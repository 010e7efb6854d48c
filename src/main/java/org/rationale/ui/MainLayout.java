package org.rationale.ui;

import jakarta.inject.Inject;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.server.VaadinSession;
import org.rationale.security.Access;
import org.rationale.security.Caller;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;

/** The frame of every page: brand, navigation by role, who is logged in, log out, the API documentation. */
public class MainLayout extends AppLayout {

    @Inject
    public MainLayout(Access access) {
        Caller caller = access.current().orElse(null);
        Span logo = new Span("◐");
        logo.addClassName("brand-mark");
        Span name = new Span("Rationale");
        name.addClassName("brand-name");
        HorizontalLayout brand = new HorizontalLayout(new DrawerToggle(), logo, name);
        brand.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        brand.setSpacing(false);
        brand.addClassName("brand");

        Anchor api = new Anchor("/q/swagger-ui", "API");
        api.setTarget("_blank");
        api.addClassName("header-link");
        HorizontalLayout right = new HorizontalLayout(api);
        right.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        if (caller != null) {
            Span who = new Span(caller.username() + " · " + (caller.role() == null ? "" : caller.role().value()));
            who.addClassName("header-user");
            who.setId("current-user");
            Button logout = new Button("Log out", VaadinIcon.SIGN_OUT.create(), e -> {
                // close the Vaadin session here; a POST to /logout ends the login and shows the login page
                UI ui = UI.getCurrent();
                VaadinSession.getCurrent().getSession().invalidate();
                ui.getPage().executeJs("const f = document.createElement('form'); f.method = 'post'; "
                        + "f.action = '/logout'; document.body.appendChild(f); f.submit();");
            });
            logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
            logout.setId("logout");
            right.add(who, logout);
        }
        right.addClassName("header-right");
        HorizontalLayout header = new HorizontalLayout(brand, right);
        header.setWidthFull();
        header.expand(brand);
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        header.addClassName("app-header");
        addToNavbar(header);

        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Projects", ProjectsView.class, VaadinIcon.FOLDER_O.create()));
        nav.addItem(new SideNavItem("Jobs", JobsView.class, VaadinIcon.TASKS.create()));
        if (caller != null && caller.isAdmin()) {
            nav.addItem(new SideNavItem("Users", UsersView.class, VaadinIcon.USERS.create()));
        }
        Span tagline = new Span("Review why a model decided what it decided.");
        tagline.addClassName("drawer-tagline");
        addToDrawer(nav, tagline);
        setPrimarySection(Section.DRAWER);
    }
}
