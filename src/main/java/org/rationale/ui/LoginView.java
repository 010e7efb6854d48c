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
 * The login page. A script checks the password ({@code /api/login-check}), then posts it to
 * Quarkus's form authentication ({@code /j_security_check}), which sets an encrypted session cookie,
 * and moves on to the projects; a wrong password shows the message on the page, keeping the username
 * ({@code ?error} shows it too, for a failed login from elsewhere). (A failed post to
 * {@code j_security_check} itself would leave the browser waiting.)
 */
@Route(Routes.LOGIN)
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
        form.getElement().executeJs("""
                const f = this;
                f.addEventListener('login', e => {
                  const creds = {username: e.detail.username, password: e.detail.password};
                  // a wrong password stays on the page: the form shows the message, keeps the username and
                  // empties the password for the next try
                  const failed = () => {
                    f.error = true;
                    f.disabled = false;
                    const pw = document.getElementById('vaadinLoginPassword');
                    if (pw) {
                      pw.value = '';
                      pw.focus();
                    }
                  };
                  fetch('api/login-check', {method: 'POST', headers: {'Content-Type': 'application/json'},
                      body: JSON.stringify(creds), credentials: 'same-origin'}).then(r => {
                    if (r.status !== 204) {
                      failed();
                      return;
                    }
                    return fetch('j_security_check', {method: 'POST', body: new URLSearchParams(creds),
                        credentials: 'same-origin'}).then(() => { window.location.href = '/'; });
                  }).catch(failed);
                });""");
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
