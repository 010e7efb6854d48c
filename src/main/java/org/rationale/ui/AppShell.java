package org.rationale.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.theme.lumo.Lumo;

/** Application shell: theme, page metadata and server push (live job progress) of the Vaadin UI. */
@Push
@Theme(value = "rationale", variant = Lumo.LIGHT)
@PWA(name = "Rationale", shortName = "Rationale", description = "Review why a classifier decided what it decided")
public class AppShell implements AppShellConfigurator {
}
