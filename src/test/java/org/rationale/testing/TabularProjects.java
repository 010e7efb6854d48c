package org.rationale.testing;

import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tabular projects made through the API as the tabular tests need them: the breast-cancer-site
 * demo's train and test tables (whose {@code site} column encodes the diagnosis in training and is
 * random in test) and the platform's MLP trained on them. Training needs a running worker pool.
 */
public final class TabularProjects {

    /** The demo's tables, train.csv and test.csv, labelled by {@code diagnosis}. */
    public static final Path DEMO = Path.of("src/main/resources/demo/breast-cancer-site");

    private TabularProjects() {
    }

    /** Creates an empty tabular project named by the prefix and a short unique suffix, and returns its id. */
    public static long create(String prefix) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", prefix + " " + UUID.randomUUID().toString().substring(0, 8), "modality", "tabular"))
                .post("/api/projects").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** A new tabular project holding the demo's train and test tables as its train and test splits. */
    public static long breastCancer(String prefix) {
        long p = create(prefix);
        for (String split : List.of("train", "test")) {
            importTable(p, split);
        }
        return p;
    }

    /** Imports the demo's table of this split ({@code train} or {@code test}) into the project's split. */
    public static void importTable(long project, String split) {
        byte[] csv;
        try {
            csv = Files.readAllBytes(DEMO.resolve(split + ".csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        given().multiPart("table", split + ".csv", csv, "text/csv")
                .multiPart("label", "diagnosis").multiPart("name", "breast cancer " + split)
                .multiPart("split", split).post("/api/projects/" + project + "/datasets").then().statusCode(201);
    }

    /** The MLP's training as the tabular tests measure it (20 epochs, seed 5), with this feedback. */
    public static Map<String, Object> training(String feedback) {
        Map<String, Object> body = new HashMap<>(Map.of("epochs", 20, "batchSize", 32, "learningRate", 0.003, "seed", 5));
        body.put("feedback", feedback);
        return body;
    }

    /** Trains the platform's MLP with this request and waits for the job: the succeeded job (its result). */
    public static JsonPath trained(long project, Map<String, Object> request) throws InterruptedException {
        long job = given().contentType(ContentType.JSON).body(request)
                .post("/api/projects/" + project + "/trainings").then().statusCode(202).extract().jsonPath().getLong("jobId");
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            JsonPath j = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath();
            String state = j.getString("state");
            if (state.equals("succeeded") || state.equals("failed")) {
                assertEquals("succeeded", state, String.valueOf(j.getString("error")));
                return j;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("training job " + job + " did not finish");
    }

    /** Trains the MLP as {@link #training} does, with this feedback, and returns the trained model's id. */
    public static long train(long project, String feedback) throws InterruptedException {
        return trained(project, training(feedback)).getLong("result.modelId");
    }

    /** The sample ids of a project's split, in import order. */
    public static List<Long> sampleIds(AgroalDataSource db, long project, String split) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "select id from samples where project_id = ? and split = ? order by id")) {
            s.setLong(1, project);
            s.setString(2, split);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                }
            }
        }
        return ids;
    }

    /** The mask marking {@code site}, the last of the demo's 31 feature columns, as the annotations API takes it. */
    public static String siteMask() {
        byte[] mask = new byte[31];
        mask[30] = 1;
        return Base64.getEncoder().encodeToString(mask);
    }

    /** Marks {@code site} as a shortcut on a row (as the admin). */
    public static void markSite(long sample) {
        given().contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "mask", siteMask(), "version", 0))
                .post("/api/samples/" + sample + "/annotations").then().statusCode(201);
    }

    /** |site's attribution| / Σ|attributions| of a row's map as the saliency API answers it (0 for an all-zero map). */
    public static double siteShare(JsonPath map) {
        List<String> features = map.getList("features", String.class);
        List<Float> values = map.getList("values", Float.class);
        double total = 0;
        double site = 0;
        for (int i = 0; i < values.size(); i++) {
            total += Math.abs(values.get(i));
            site += features.get(i).equals("site") ? Math.abs(values.get(i)) : 0;
        }
        return total > 0 ? site / total : 0;
    }
}
