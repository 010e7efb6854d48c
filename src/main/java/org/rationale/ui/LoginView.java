package org.rationale.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/**
 * The login page. The form posts to Quarkus's form authentication ({@code /j_security_check}),
 * which checks the password, sets an encrypted session cookie and sends the browser on to the
 * projects; a failed attempt comes back here with {@code ?error}.
 */
@Route("login")
@PageTitle("Log in · Rationale")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();

    public LoginView() {
        addClassName("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Log in to Rationale");
        i18n.getErrorMessage().setTitle("Wrong username or password");
        i18n.getErrorMessage().setMessage("Check them and try again; a disabled account cannot log in.");
        form.setI18n(i18n);
        form.setAction("j_security_check");
        form.setForgotPasswordButtonVisible(false);
        H1 brand = new H1("◐ Rationale");
        brand.addClassName("login-brand");
        Paragraph tag = new Paragraph("Review why a model decided what it decided.");
        tag.addClassName("drawer-tagline");
        add(new Div(brand, tag), form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        form.setError(event.getLocation().getQueryParameters().getParameters().containsKey("error"));
    }
}
