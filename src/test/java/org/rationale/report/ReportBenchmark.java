package org.rationale.report;

import java.util.LinkedHashMap;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.audit.AuditLog;
import org.rationale.saliency.MapEncoding;
import org.rationale.testing.Api;
import org.rationale.testing.Host;
import org.rationale.testing.PostgresTestResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A report of 10,000 verdicts in every format (goal: the PDF in at most 30 s). Four reviewers judge
 * 2,500 maps each; the verdicts, with their audit events, are written straight to the database so
 * that only the report is timed. {@code -Dbench.verdicts=} changes the size.
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
class ReportBenchmark {

    @Inject
    EntityManager em;

    @Inject
    ReportService reports;

    @Inject
    ReportFacts facts;

    @Inject
    AuditLog audit;

    @Test
    void reportOfTenThousandVerdicts() {
        int verdicts = Integer.getInteger("bench.verdicts", 10_000);
        int reviewers = 4;
        int samples = verdicts / reviewers;
        long p = Api.newProject("report benchmark");
        Api.importIdx(p, samples, "train");
        long model = Api.uploadFixtureCnn(p);
        List<Long> users = new ArrayList<>();
        for (int r = 0; r < reviewers; r++) {
            long u = Api.newUser("bench-reviewer-" + r, "expert");
            Api.addMember(p, u);
            users.add(u);
        }
        long t0 = System.nanoTime();
        Random random = new Random(7);
        float[] values = new float[28 * 28];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        byte[] data = MapEncoding.encode(values);
        QuarkusTransaction.requiringNew().timeout(600).run(() -> {
            em.createNativeQuery("insert into saliency_maps (sample_id, model_version_id, method, parameters, target_label, "
                            + "width, height, encoding, data, metrics) select id, ?2, 'vanilla-gradient', '{}', label, 28, 28, "
                            + "?3, ?4, '{\"deletionAuc\":0.2,\"insertionAuc\":0.6}' from samples where project_id = ?1")
                    .setParameter(1, p).setParameter(2, model).setParameter(3, MapEncoding.NAME).setParameter(4, data)
                    .executeUpdate();
            em.createNativeQuery("insert into predictions (sample_id, model_version_id, predicted_label, confidence, "
                            + "probabilities) select id, ?2, (id % 10)::int, 0.9, '{0.9,0.1}' from samples where project_id = ?1")
                    .setParameter(1, p).setParameter(2, model).executeUpdate();
            String[] kinds = {"accept", "reject", "unsure"};
            @SuppressWarnings("unchecked")
            List<Object[]> maps = em.createNativeQuery("select m.id, m.sample_id from saliency_maps m join samples s on "
                    + "s.id = m.sample_id where s.project_id = ?1 order by m.id").setParameter(1, p).getResultList();
            int n = 0;
            for (Object[] m : maps) {
                for (int r = 0; r < reviewers; r++) {
                    String v = kinds[random.nextInt(3)];
                    String comment = n % 5 == 0 ? "reviewer " + r + " on map " + m[0] + ", looks at the edge" : null;
                    Number id = (Number) em.createNativeQuery("insert into reviews (saliency_map_id, user_id, verdict, "
                                    + "comment, sample_id, model_version_id, project_id, version) values (?1, ?2, ?3, ?4, ?5, "
                                    + "?6, ?7, 1) returning id").setParameter(1, m[0]).setParameter(2, users.get(r))
                            .setParameter(3, v).setParameter(4, comment).setParameter(5, m[1]).setParameter(6, model)
                            .setParameter(7, p).getSingleResult();
                    audit.record("bench-reviewer-" + r, "review.verdict", "review:" + id, p, AuditLog.details(
                            "sampleId", m[1], "saliencyMapId", m[0], "modelId", model, "verdict", v, "comment", comment,
                            "version", 1, "previousVerdict", null, "previousComment", null));
                    n++;
                }
            }
        });
        System.out.printf("setup: %,d verdicts with their audit events in %.1f s%n", verdicts, (System.nanoTime() - t0) / 1e9);

        Map<ReportFormat, Double> seconds = new LinkedHashMap<>();
        Map<ReportFormat, Integer> sizes = new LinkedHashMap<>();
        for (int run = 0; run < 2; run++) {
            for (ReportFormat f : List.of(ReportFormat.JSON, ReportFormat.CSV,
                    ReportFormat.HTML, ReportFormat.PDF)) {
                long s = System.nanoTime();
                ReportService.Export e = reports.export(p, f.value(), null, null, null, null, "admin");
                double sec = (System.nanoTime() - s) / 1e9;
                if (run == 1) {
                    seconds.put(f, sec);
                    sizes.put(f, e.bytes().length);
                }
            }
        }
        long s = System.nanoTime();
        Report r = facts.build(p, null, null, null, null, "admin");
        double gather = (System.nanoTime() - s) / 1e9;
        assertEquals(verdicts, r.verdicts().size());
        System.out.printf("report of %,d verdicts (second run of each; gathering alone %.2f s):%n", verdicts, gather);
        double json = seconds.get(ReportFormat.JSON);
        seconds.forEach((f, sec) -> System.out.printf("  %-4s %6.2f s  %,11d bytes  %.1f× the JSON export%n",
                f.value(), sec, sizes.get(f), sec / json));
        System.out.printf("goal: PDF ≤ 30 s — %s%n", seconds.get(ReportFormat.PDF) <= 30 ? "met" : "NOT met");
        StringBuilder figures = new StringBuilder();
        seconds.forEach((f, sec) -> figures.append(String.format(Locale.ROOT,
                ",\"%sSeconds\":%.3f,\"%sBytes\":%d,\"%sToJsonRatio\":%.3f", f.value(), sec, f.value(), sizes.get(f),
                f.value(), sec / json)));
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"report\",\"machine\":\"%s\",\"verdicts\":%d,\"gatherSeconds\":%.3f%s,"
                + "\"goalPdfSeconds\":30,\"goalMet\":%b}%n", Host.machine(), verdicts, gather, figures,
                seconds.get(ReportFormat.PDF) <= 30);
    }
}
