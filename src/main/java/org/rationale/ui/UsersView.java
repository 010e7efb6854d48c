package org.rationale.ui;

import java.util.Objects;
import org.rationale.security.Access;
import org.rationale.error.Conflict;
import org.rationale.error.DomainError;
import org.rationale.error.InvalidFields;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.security.AccountService;
import org.rationale.security.Role;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Users and memberships, for admins: create users with a role, change roles, disable accounts,
 * set passwords, and choose which projects each user belongs to.
 */
@Route(value = Routes.USERS, layout = MainLayout.class)
@PageTitle("Users · Rationale")
@RolesAllowed(Role.Name.ADMIN)
public class UsersView extends VerticalLayout {

    private final AccountService accounts;
    private final ProjectService projects;
    private final Grid<AccountService.Account> grid = new Grid<>();

    private final Access access;

    @Inject
    public UsersView(AccountService accounts, ProjectService projects, Access access) {
        this.access = access;
        this.accounts = accounts;
        this.projects = projects;
        addClassName("users-view");
        H1 title = new H1("Users");
        Button create = new Button("New user", VaadinIcon.PLUS.create(), e -> edit(null));
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setId("new-user");
        HorizontalLayout head = new HorizontalLayout(title, create);
        head.setWidthFull();
        head.expand(title);
        head.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);

        Map<Long, String> names = projectNames();
        grid.addColumn(AccountService.Account::username).setHeader("Username").setAutoWidth(true);
        grid.addColumn(AccountService.Account::displayName).setHeader("Name").setAutoWidth(true);
        grid.addColumn(a -> a.role().value()).setHeader("Role").setAutoWidth(true);
        grid.addColumn(a -> a.enabled() ? "yes" : "disabled").setHeader("Enabled").setAutoWidth(true);
        grid.addColumn(a -> a.projectIds().stream().map(id -> names.getOrDefault(id, "#" + id))
                .collect(Collectors.joining(", "))).setHeader("Projects").setFlexGrow(1);
        grid.addComponentColumn(a -> {
            Button b = new Button("Edit", e -> edit(a));
            b.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY);
            return b;
        }).setAutoWidth(true);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.setId("users-grid");
        add(head, grid);
        refresh();
    }

    private Map<Long, String> projectNames() {
        return projects.list().stream().collect(Collectors.toMap(p -> p.id, p -> p.name));
    }

    private void refresh() {
        grid.setItems(accounts.list());
    }

    private static void show(HasValidation field, String problem) {
        if (problem != null) {
            field.setErrorMessage(problem);
            field.setInvalid(true);
        }
    }

    /** The create dialog (account null) or the edit dialog of an account. */
    private void edit(AccountService.Account account) {
        boolean creating = account == null;
        Dialog d = new Dialog();
        d.setHeaderTitle(creating ? "New user" : "Edit " + account.username());
        TextField username = new TextField("Username");
        username.setHelperText("lower-case letters, digits, '.', '_' or '-'");
        username.setId("user-username");
        TextField display = new TextField("Display name");
        Select<Role> role = new Select<>();
        role.setLabel("Role");
        role.setItems(Role.values());
        role.setItemLabelGenerator(Role::value);
        role.setValue(creating ? Role.EXPERT : account.role());
        role.setId("user-role");
        PasswordField password = new PasswordField(creating ? "Password" : "New password (leave empty to keep)");
        password.setHelperText("at least 10 characters");
        password.setId("user-password");
        Checkbox enabled = new Checkbox("May log in", creating || account.enabled());
        List<Project> all = projects.list();
        Map<Long, Project> byId = all.stream().collect(Collectors.toMap(p -> p.id, Function.identity()));
        MultiSelectComboBox<Project> member = new MultiSelectComboBox<>("Projects");
        member.setItems(all);
        member.setItemLabelGenerator(p -> p.name);
        member.setWidthFull();
        member.setId("user-projects");
        if (!creating) {
            username.setValue(account.username());
            username.setReadOnly(true);
            display.setValue(account.displayName() == null ? "" : account.displayName());
            member.setValue(account.projectIds().stream().map(byId::get).filter(Objects::nonNull)
                    .collect(Collectors.toSet()));
        }
        Span formError = new Span();
        formError.setId("user-form-error");
        formError.getStyle().set("color", "var(--lumo-error-text-color)");
        Button save = new Button(creating ? "Create" : "Save", e -> {
            username.setInvalid(false);
            role.setInvalid(false);
            password.setInvalid(false);
            formError.setText("");
            try {
                // checked on every change, not only when the page opened: a demoted admin's open page must not work
                access.requireRole(Role.ADMIN);
                long id;
                if (creating) {
                    id = accounts.create(username.getValue(), display.getValue(), password.getValue(), role.getValue().value()).id();
                } else {
                    id = account.id();
                    accounts.update(id, role.getValue().value(), enabled.getValue(), display.getValue());
                    if (!password.getValue().isEmpty()) {
                        accounts.setPassword(id, password.getValue());
                    }
                }
                Set<Long> wanted = member.getValue().stream().map(p -> p.id).collect(Collectors.toSet());
                Set<Long> had = creating ? Set.of() : new HashSet<>(account.projectIds());
                for (Long p : wanted) {
                    if (!had.contains(p)) {
                        accounts.addMember(p, id);
                    }
                }
                for (Long p : had) {
                    if (!wanted.contains(p)) {
                        accounts.removeMember(p, id);
                    }
                }
                d.close();
                refresh();
                Notification.show(creating ? "Created " + username.getValue() : "Saved " + username.getValue())
                        .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
            } catch (InvalidFields ex) {
                // every problem at once, each at its field
                show(username, ex.problems().get("username"));
                show(role, ex.problems().get("role"));
                show(password, ex.problems().get("password"));
            } catch (Conflict ex) {
                if (creating) {
                    show(username, ex.describe());
                } else {
                    show(role, ex.describe());
                }
            } catch (DomainError ex) {
                formError.setText(ex.describe());
            }
        });
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.setId("user-save");
        Button cancel = new Button("Cancel", e -> d.close());
        VerticalLayout form = new VerticalLayout(username, display, role, password, member, formError);
        if (!creating) {
            form.add(enabled);
        }
        form.setPadding(false);
        d.add(form);
        d.getFooter().add(cancel, save);
        d.open();
    }
}
