package org.rationale.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import org.rationale.error.DomainError;
import org.rationale.error.InvalidFields;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.review.ReviewQueue;
import org.rationale.security.Access;
import org.rationale.security.Role;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A project's review settings: how many reviewers judge each sample (the overlap; agreement needs
 * two or more) and how long a sample handed to a reviewer stays reserved for them. Engineers and
 * admins change them; everyone else reads them. Each problem shows at its field, all at once.
 */
@Route(value = Routes.SETTINGS, layout = MainLayout.class)
@PageTitle("Settings · Rationale")
@PermitAll
public class SettingsView extends VerticalLayout implements BeforeEnterObserver {

    private final ProjectService projects;
    private final ReviewQueue review;
    private final Access access;
    private final IntegerField overlap = new IntegerField("Reviewers a sample (overlap)");
    private final IntegerField reservation = new IntegerField("Reservation time (minutes)");
    private Project project;

    @Inject
    public SettingsView(ProjectService projects, ReviewQueue review, Access access) {
        this.projects = projects;
        this.review = review;
        this.access = access;
        addClassName("settings-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        project = ProjectRoute.enter(event, projects, access, this, "Review settings").orElse(null);
        if (project == null) {
            return;
        }
        boolean mayChange = access.current().map(c -> c.hasAnyRole(Role.ADMIN, Role.ENGINEER)).orElse(false);
        ReviewQueue.Settings now = review.settingsOf(project.id);

        overlap.setId("settings-overlap");
        // the range is checked on save, with the service's words at the field (no silent clamping)
        overlap.setWidth("18rem");
        overlap.setHelperText("1 to 10. With 1 each sample is judged once; with 2 or more several experts judge the same "
                + "samples, which the agreement page needs.");
        overlap.setValue(now.overlap());
        reservation.setId("settings-reservation");
        reservation.setWidth("18rem");
        reservation.setHelperText("1 to 1,440. How long a sample handed to a reviewer stays theirs before another "
                + "reviewer may take it.");
        reservation.setValue(now.reservationMinutes());
        overlap.setReadOnly(!mayChange);
        reservation.setReadOnly(!mayChange);

        VerticalLayout form = new VerticalLayout(overlap, reservation);
        form.setPadding(false);
        form.addClassName("settings-form");
        add(form);
        if (mayChange) {
            Button save = new Button("Save settings", VaadinIcon.CHECK.create(), e -> save());
            save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            save.setId("settings-save");
            add(save);
        } else {
            Paragraph who = new Paragraph("Engineers and admins change these settings.");
            who.addClassName("empty-note");
            add(who);
        }
    }

    private void save() {
        overlap.setInvalid(false);
        reservation.setInvalid(false);
        // an empty or unreadable field is a problem of its own; the others are the service's, all at once
        Map<String, String> problems = new LinkedHashMap<>();
        if (overlap.getValue() == null) {
            problems.put("overlap", "Enter how many reviewers judge each sample: a whole number from 1 to 10");
        }
        if (reservation.getValue() == null) {
            problems.put("reservationMinutes", "Enter the reservation time: a whole number of minutes from 1 to 1,440");
        }
        try {
            access.requireRole(Role.ADMIN, Role.ENGINEER);
            if (problems.isEmpty()) {
                ReviewQueue.Settings saved = review.configure(project.id, overlap.getValue(), reservation.getValue());
                Notification.show("Saved: " + saved.overlap() + " reviewer" + (saved.overlap() == 1 ? "" : "s")
                                + " a sample, reservations hold " + saved.reservationMinutes() + " min", 4000,
                        Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                return;
            }
        } catch (InvalidFields e) {
            problems.putAll(e.problems());
        } catch (DomainError e) {
            Notification.show(e.describe(), 6000, Notification.Position.MIDDLE)
                    .addThemeVariants(NotificationVariant.LUMO_ERROR);
            return;
        }
        show(overlap, problems.get("overlap"));
        show(reservation, problems.get("reservationMinutes"));
    }

    private static void show(IntegerField field, String problem) {
        if (problem != null) {
            field.setErrorMessage(problem);
            field.setInvalid(true);
        }
    }
}
