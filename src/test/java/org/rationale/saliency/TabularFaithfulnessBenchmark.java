package org.rationale.saliency;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.explain.InputBatch;
import org.rationale.explain.TabularInput;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.PredictionService;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;
import org.rationale.worker.WorkerPool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How faithful each attribution method is on table rows, by the deletion and insertion curves of
 * the maps the API answers ({@link DeletionInsertion#rowAucs}): the breast-cancer demo's MLP (20
 * epochs, seed 5, no feedback), the first {@code bench.rows} (40) test rows, each method at its
 * defaults for the predicted class. The baseline, measured in the same run on the same rows and
 * model: random rankings of the features (8 seeded permutations a row). A ratio below 1 (deletion)
 * or above 1 (insertion) against it says the method ranks first what the model uses. Prints a
 * Markdown table and ends with {@code BENCH {json}}.
 *
 * <p>{@code mvn -B -o test -Dtest=TabularFaithfulnessBenchmark -DexcludedGroups=none}
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
@Tag("benchmark")
class TabularFaithfulnessBenchmark {

    private static final List<String> METHODS = List.of("vanilla-gradient", "gradient-x-input", "smoothgrad",
            "integrated-gradients", "occlusion", "kernel-shap", "shapley-sampling");
    private static final int PERMUTATIONS = 8;

    @Inject
    AgroalDataSource db;

    @Inject
    WorkerPool pool;

    @Inject
    ModelService models;

    @Inject
    PredictionService predictions;

    @Inject
    DatasetService datasets;

    @Test
    void methodsRankTheFeaturesTheModelUsesAheadOfRandomRankings() throws Exception {
        int n = Integer.getInteger("bench.rows", 40);
        long p = TabularProjects.breastCancer("faithfulness");
        long modelId;
        pool.start(1);
        try {
            modelId = TabularProjects.train(p, null);
        } finally {
            pool.stop();
        }
        List<Long> rows = TabularProjects.sampleIds(db, p, "test").subList(0, n);
        ModelVersion v = models.version(modelId).orElseThrow();

        // the baseline: random rankings of the same rows under the same model
        double[] randomDeletion = new double[n];
        double[] randomInsertion = new double[n];
        Random random = new Random(7);
        long t0 = System.nanoTime();
        try (ModelService.Lease lease = models.lease(v)) {
            TabularInput layout = lease.model().tabular().orElseThrow();
            for (int i = 0; i < n; i++) {
                Sample s = datasets.sample(rows.get(i)).orElseThrow();
                InputBatch x = predictions.input(s, v);
                int target = predictions.predict(s, v).predictedLabel();
                for (int k = 0; k < PERMUTATIONS; k++) {
                    float[] map = new float[layout.features().size()];
                    for (int f = 0; f < map.length; f++) {
                        map[f] = random.nextFloat();
                    }
                    Map<String, Double> aucs = DeletionInsertion.rowAucs(lease.model(), x, target, map, layout);
                    randomDeletion[i] += aucs.get("deletionAuc") / PERMUTATIONS;
                    randomInsertion[i] += aucs.get("insertionAuc") / PERMUTATIONS;
                }
            }
        }
        double randomSeconds = (System.nanoTime() - t0) / 1e9;
        double rd = mean(randomDeletion);
        double ri = mean(randomInsertion);

        StringBuilder md = new StringBuilder("| method | deletion AUC | insertion AUC | deletion ÷ random | insertion ÷ random "
                + "| rows deleting faster than random | ms a map |\n|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| random ranking (baseline) | %.3f ± %.3f | %.3f ± %.3f | 1 | 1 | — | — |%n",
                rd, sd(randomDeletion), ri, sd(randomInsertion)));
        Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
        for (String method : METHODS) {
            double[] deletion = new double[n];
            double[] insertion = new double[n];
            int faster = 0;
            long m0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                JsonPath map = given().queryParam("modelId", modelId).queryParam("method", method)
                        .queryParam("curves", "true").post("/api/samples/" + rows.get(i) + "/saliency").then()
                        .statusCode(200).extract().jsonPath();
                assertTrue("computed".equals(map.getString("curves")), method + ": " + map.prettify());
                deletion[i] = map.getDouble("metrics.deletionAuc");
                insertion[i] = map.getDouble("metrics.insertionAuc");
                if (deletion[i] < randomDeletion[i]) {
                    faster++;
                }
            }
            double ms = (System.nanoTime() - m0) / 1e6 / n;
            double d = mean(deletion);
            double in = mean(insertion);
            md.append(String.format(Locale.ROOT, "| %s | %.3f ± %.3f | %.3f ± %.3f | %.2f | %.2f | %d of %d | %.0f |%n",
                    method, d, sd(deletion), in, sd(insertion), d / rd, in / ri, faster, n, ms));
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("deletionAuc", d);
            f.put("insertionAuc", in);
            f.put("deletionVsRandom", d / rd);
            f.put("insertionVsRandom", in / ri);
            f.put("fasterThanRandom", (double) faster / n);
            f.put("msPerMap", ms);
            figures.put(method, f);
        }
        System.out.println(md);
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"name\":\"tabular-faithfulness\",\"rows\":%d,\"permutations\":%d,\"randomDeletionAuc\":%.4f,"
                        + "\"randomInsertionAuc\":%.4f,\"randomSeconds\":%.2f,\"methods\":{", n, PERMUTATIONS, rd, ri,
                randomSeconds));
        boolean first = true;
        for (Map.Entry<String, Map<String, Double>> e : figures.entrySet()) {
            json.append(first ? "" : ",").append('"').append(e.getKey()).append("\":{");
            first = false;
            List<String> parts = new ArrayList<>();
            e.getValue().forEach((k, val) -> parts.add(String.format(Locale.ROOT, "\"%s\":%.4f", k, val)));
            json.append(String.join(",", parts)).append('}');
        }
        json.append("}}");
        System.out.println("BENCH " + json);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
    }
}
