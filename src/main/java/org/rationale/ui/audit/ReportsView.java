package org.rationale.ui.audit;

import org.rationale.config.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import org.rationale.audit.AuditChain;
import org.rationale.audit.AuditEvent;
import org.rationale.audit.AuditLog;
import org.rationale.error.DomainError;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.report.FeedbackExport;
import org.rationale.report.ReportFormat;
import org.rationale.report.ReportService;
import org.rationale.scheduler.RoundService;
import org.rationale.security.Access;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.ui.MainLayout;
import org.rationale.ui.ProjectRoute;
import org.rationale.ui.Routes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Where auditors take a project's report away: choose the scope (a model version, a round, a date
 * range), download it as PDF, HTML, JSON or CSV, download the experts' feedback (verdicts and masks)
 * for a team's own pipeline in the same scope, verify the audit chain, and see earlier downloads
 * with their hashes. A download button makes and records the file on the click; the browser then
 * fetches the made bytes once, so no GET writes the audit trail.
 */
@Route(value = Routes.REPORTS, layout = MainLayout.class)
@PageTitle("Audit report · Rationale")
@RolesAllowed({Role.Name.ADMIN, Role.Name.AUDITOR, Role.Name.ENGINEER})
public class ReportsView extends VerticalLayout implements BeforeEnterObserver {

    private static final ObjectMapper JSON = Json.MAPPER;
    private final ProjectService projects;
    private final ModelService models;
    private final RoundService rounds;
    private final ReportService reports;
    private final FeedbackExport feedback;
    private final AuditLog audit;
    private final Access access;
    private Project project;
    private final Select<ModelVersion> model = new Select<>();
    private final Select<Integer> round = new Select<>();
    private final DatePicker from = new DatePicker("From");
    private final DatePicker to = new DatePicker("To (inclusive)");
    private final HorizontalLayout downloads = new HorizontalLayout();
    private final Paragraph scopeMessage = new Paragraph();
    private final Grid<AuditEvent> exports = new Grid<>();
    private final HorizontalLayout feedbackDownload = new HorizontalLayout();
    private final Paragraph feedbackMessage = new Paragraph();
    private final Grid<AuditEvent> feedbackExports = new Grid<>();
    private final Anchor reportFile = hiddenLink("report-file");
    private final Anchor feedbackFile = hiddenLink("feedback-file");

    @Inject
    public ReportsView(ProjectService projects, ModelService models, RoundService rounds, ReportService reports,
                       FeedbackExport feedback, AuditLog audit, Access access) {
        this.projects = projects;
        this.models = models;
        this.rounds = rounds;
        this.reports = reports;
        this.feedback = feedback;
        this.audit = audit;
        this.access = access;
        addClassName("reports-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        project = ProjectRoute.enter(event, projects, access, this, "Audit report").orElse(null);
        if (project == null) {
            return;
        }
        Caller caller = access.caller();
        add(new Paragraph("Who decided what, on which model and map: model identity and lineage, methods and their "
                + "quality, every verdict with its map and comment, agreement, the scheduler's reasons, the rounds, the "
                + "limits of saliency, the EU AI Act mapping and the audit chain's head. Each download is itself "
                + "recorded in the audit trail with its SHA-256."));

        model.setLabel("Model version");
        model.setEmptySelectionAllowed(true);
        model.setEmptySelectionCaption("All versions");
        model.setItemLabelGenerator(m -> m == null ? "All versions" : m.label());
        model.setItems(models.list(project.id));
        model.setId("report-model");
        round.setLabel("Round");
        round.setEmptySelectionAllowed(true);
        round.setEmptySelectionCaption("All rounds");
        round.setItemLabelGenerator(n -> n == null ? "All rounds" : "Round " + n);
        round.setItems(rounds.list(project.id).stream().map(RoundService.Round::number).toList());
        round.setId("report-round");
        from.setId("report-from");
        to.setId("report-to");
        HorizontalLayout scope = new HorizontalLayout(model, round, from, to);
        scope.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        model.addValueChangeListener(e -> refreshDownloads());
        round.addValueChangeListener(e -> refreshDownloads());
        from.addValueChangeListener(e -> refreshDownloads());
        to.addValueChangeListener(e -> refreshDownloads());
        scopeMessage.setId("report-scope-message");
        add(new H3("Download"), scope, downloads, scopeMessage);
        feedbackMessage.setId("feedback-message");
        Paragraph feedbackAbout = new Paragraph("The experts' feedback in the scope above, for retraining in your own "
                + "pipeline: one zip with the verdicts as JSON lines (sample and source, model version and hash, method "
                + "and parameters, verdict, comment, reviewer, time), the painted masks as PNG at image resolution and "
                + "as COCO RLE, Label Studio tasks with the masks as brush labels, and a README with every file's "
                + "SHA-256. Each download is recorded in the audit trail with the zip's hash.");
        add(new H3("Download feedback"), feedbackAbout, feedbackDownload, feedbackMessage,
                new H4("Earlier feedback downloads"), feedbackExports);
        refreshDownloads();

        if (caller.hasAnyRole(Role.ADMIN, Role.AUDITOR)) {
            Paragraph result = new Paragraph();
            result.setId("chain-result");
            Button verify = new Button("Verify the audit trail", VaadinIcon.SHIELD.create(), e -> {
                AuditLog.VerifyAnswer v = audit.verifyForCaller();
                String counts = v.events() != null ? v.events() + " events" : v.projects().stream()
                        .filter(c -> c.projectId() == project.id).map(c -> c.events() + " events of this project")
                        .findFirst().orElse("no events of this project");
                result.setText(v.valid() ? "Intact: " + counts + ", head hash " + v.headHash()
                        : "BROKEN" + (v.firstBrokenSeq() == null ? "" : " at event " + v.firstBrokenSeq()) + ": " + v.problem());
                result.getStyle().set("color", v.valid() ? "var(--lumo-success-text-color)" : "var(--lumo-error-text-color)");
            });
            verify.setId("verify-chain");
            add(new H3("Audit trail"), verify, result);
        }

        exports.addColumn(e -> AuditChain.time(e.at()).substring(0, 19).replace('T', ' ') + " UTC").setHeader("When")
                .setAutoWidth(true).setFlexGrow(0);
        exports.addColumn(AuditEvent::actor).setHeader("Who").setAutoWidth(true).setFlexGrow(0);
        exports.addColumn(e -> field(e, "format")).setHeader("Format").setAutoWidth(true).setFlexGrow(0);
        exports.addColumn(e -> field(e, "verdicts")).setHeader("Verdicts").setAutoWidth(true).setFlexGrow(0);
        exports.addColumn(e -> field(e, "sha256")).setHeader("SHA-256").setFlexGrow(1);
        exports.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
        exports.addThemeVariants(GridVariant.LUMO_COMPACT);
        exports.setAllRowsVisible(true);
        exports.setId("report-exports");
        add(new H3("Earlier downloads"), exports);
        refreshExports();

        feedbackExports.addColumn(e -> AuditChain.time(e.at()).substring(0, 19).replace('T', ' ') + " UTC")
                .setHeader("When").setAutoWidth(true).setFlexGrow(0);
        feedbackExports.addColumn(AuditEvent::actor).setHeader("Who").setAutoWidth(true).setFlexGrow(0);
        feedbackExports.addColumn(e -> field(e, "verdicts")).setHeader("Verdicts").setAutoWidth(true).setFlexGrow(0);
        feedbackExports.addColumn(e -> field(e, "masks")).setHeader("Masks").setAutoWidth(true).setFlexGrow(0);
        feedbackExports.addColumn(e -> field(e, "sha256")).setHeader("SHA-256").setFlexGrow(1);
        feedbackExports.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
        feedbackExports.addThemeVariants(GridVariant.LUMO_COMPACT);
        feedbackExports.setAllRowsVisible(true);
        feedbackExports.setId("feedback-exports");
        refreshFeedbackExports();
    }

    private void refreshFeedbackExports() {
        feedbackExports.setItems(audit.latest(project.id, "feedback.export", 50));
    }

    private static String field(AuditEvent e, String name) {
        try {
            return JSON.readTree(e.payload()).path(name).asText("");
        } catch (IOException x) {
            return "";
        }
    }

    private void refreshExports() {
        exports.setItems(audit.latest(project.id, "report.export", 50));
    }

    private void refreshDownloads() {
        downloads.removeAll();
        feedbackDownload.removeAll();
        scopeMessage.setText("");
        feedbackMessage.setText("");
        Long modelId = model.getValue() == null ? null : model.getValue().id;
        Integer roundNumber = round.getValue();
        Instant start = from.getValue() == null ? null : from.getValue().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = to.getValue() == null ? null : to.getValue().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        try {
            reports.checkScope(project.id, modelId, roundNumber, start, end);
        } catch (DomainError e) {
            scopeMessage.setText(e.describe());
            feedbackMessage.setText("Correct the scope above to download the feedback.");
            return;
        }
        for (ReportFormat f : ReportFormat.values()) {
            Button b = new Button(f.name(), VaadinIcon.DOWNLOAD.create());
            b.addThemeVariants(f == ReportFormat.PDF ? ButtonVariant.LUMO_PRIMARY : ButtonVariant.LUMO_CONTRAST);
            b.setId("download-" + f.value());
            b.setDisableOnClick(true);
            b.addClickListener(e -> {
                try {
                    exportReport(f, modelId, roundNumber, start, end);
                } finally {
                    b.setEnabled(true);
                }
            });
            downloads.add(b);
        }
        downloads.add(reportFile);
        Button fb = new Button("Download feedback (zip)", VaadinIcon.DOWNLOAD.create());
        fb.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        fb.setId("download-feedback");
        fb.setDisableOnClick(true);
        fb.addClickListener(e -> {
            try {
                exportFeedback(modelId, roundNumber, start, end);
            } finally {
                fb.setEnabled(true);
            }
        });
        feedbackDownload.add(fb, feedbackFile);
    }

    /**
     * Makes the report on the click (a POST of the page's connection), which records it in the audit trail,
     * then has the browser fetch the made bytes from a one-shot link: the download itself writes nothing.
     */
    private void exportReport(ReportFormat f, Long modelId, Integer roundNumber, Instant start, Instant end) {
        ReportService.Export e;
        try {
            e = reports.export(project.id, f.value(), modelId, roundNumber, start, end, access.caller().username());
        } catch (DomainError x) {
            scopeMessage.setText(x.describe());
            return;
        }
        byte[] bytes = e.bytes();
        hand(reportFile, new OneShotDownload(() -> new ByteArrayInputStream(bytes), e.filename(), f.mediaType(),
                bytes.length));
        scopeMessage.setText(e.filename() + ": " + bytes.length + " bytes, SHA-256 " + e.sha256()
                + ", recorded in the audit trail. Your browser saves it now.");
        refreshExports();
    }

    /** The zip of the feedback in scope, written and recorded on the click, then fetched once by the browser. */
    private void exportFeedback(Long modelId, Integer roundNumber, Instant start, Instant end) {
        FeedbackExport.Export e;
        try {
            e = feedback.export(project.id, modelId, roundNumber, start, end, access.caller().username());
        } catch (DomainError x) {
            feedbackMessage.setText(x.describe());
            return;
        }
        hand(feedbackFile, new OneShotDownload(new OneShotDownload.Content() {
            @Override
            public InputStream open() throws IOException {
                return e.open();
            }

            @Override
            public void discard() {
                e.discard();
            }
        }, e.filename(), "application/zip", e.bytes()));
        refreshFeedbackExports();
        feedbackMessage.setText("Exported " + e.verdicts() + " verdicts and " + e.masks() + " masks of "
                + e.samples() + " samples" + (e.verdicts() == 0 && e.masks() == 0
                ? ": nothing in this scope has been reviewed yet, the zip says so" : "")
                + ". SHA-256 " + e.sha256() + ", recorded in the audit trail. Your browser saves it now.");
    }

    /** Points the hidden link at a made file (dropping one the browser never fetched) and follows it. */
    private void hand(Anchor link, OneShotDownload file) {
        OneShotDownload previous = (OneShotDownload) ComponentUtil.getData(link, OneShotDownload.class);
        if (previous != null) {
            previous.discard();
        }
        ComponentUtil.setData(link, OneShotDownload.class, file);
        link.setHref(file, AttachmentType.DOWNLOAD);
        link.getElement().executeJs("$0.click()");
    }

    private static Anchor hiddenLink(String id) {
        Anchor a = new Anchor();
        a.setId(id);
        a.getElement().setAttribute("aria-hidden", "true");
        a.addDetachListener(e -> {
            OneShotDownload file = (OneShotDownload) ComponentUtil.getData(a, OneShotDownload.class);
            if (file != null) {
                file.discard();
            }
        });
        return a;
    }
}
