package org.rationale.ui;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.router.QueryParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login page on the server side (Karibu, no browser): the error shows only after a failed attempt. */
class LoginViewTest {

    @BeforeEach
    void setUp() {
        Routes routes = new Routes();
        routes.getRoutes().add(LoginView.class);
        MockVaadin.setup(routes);
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
    }

    @Test
    void showsTheErrorOnlyAfterAFailedAttempt() {
        UI.getCurrent().navigate("login");
        assertFalse(_get(LoginForm.class).isError());
        UI.getCurrent().navigate("login", QueryParameters.simple(Map.of("error", "")));
        assertTrue(_get(LoginForm.class).isError());
        UI.getCurrent().navigate("login");
        assertFalse(_get(LoginForm.class).isError());
    }
}
