package org.rationale.review;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.error.Conflict;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TableRows;
import org.rationale.testing.TabularProjects;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A table row's feature set saved by the names of its features: stored as the row's ordinary mask
 * (one byte per column of its dataset), read back as names, version-checked like a painted mask;
 * both sets of a row saved together are stored both or neither.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class FeatureSetAnnotationTest {

    private static final String COLUMNS = "[{\"name\": \"radius\", \"type\": \"numeric\"}, "
            + "{\"name\": \"site\", \"type\": \"categorical\", \"categories\": [\"A\", \"B\"]}, "
            + "{\"name\": \"smoker\", \"type\": \"boolean\"}]";

    @Inject
    AgroalDataSource db;
    @Inject
    ReviewService reviews;

    /** A row of a fresh tabular project that the expert {@code who} may annotate. */
    private long row(String who) {
        long p = TabularProjects.create("feature sets");
        Api.addMember(p, Api.newUser(who, "expert"));
        return TableRows.insert(db, p, "test", "rows", COLUMNS, 3, List.of("benign", "malignant"), List.of(
                new TableRows.Row(0, "{\"radius\": 12.5, \"site\": \"B\", \"smoker\": false}"))).get(0);
    }

    private static String url(long sample) {
        return "/api/samples/" + sample + "/annotations";
    }

    @Test
    void aFeatureSetSavedByNamesIsTheRowsMaskAndReadsBackAsNames() {
        long s = row("fs-e1");
        Api.as("fs-e1").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("site"), "version", 0))
                .post(url(s)).then().statusCode(201).body("version", equalTo(1)).body("pixels", equalTo(1))
                .body("features", equalTo(List.of("site"))).body("width", equalTo(3)).body("height", equalTo(1));
        given().get(url(s)).then().statusCode(200).body("", hasSize(1)).body("[0].kind", equalTo("shortcut"))
                .body("[0].features", equalTo(List.of("site")))
                .body("[0].mask", equalTo(Base64.getEncoder().encodeToString(new byte[] {0, 1, 0})));
        // several names in any order come back in the dataset's column order
        Api.as("fs-e1").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("smoker", "radius"), "version", 1))
                .post(url(s)).then().statusCode(201).body("features", equalTo(List.of("radius", "smoker")));
        // a mask of the right length is still accepted on a row, and answered with its names
        Api.as("fs-e1").contentType(ContentType.JSON).body(Map.of("kind", "relevant",
                        "mask", Base64.getEncoder().encodeToString(new byte[] {1, 0, 0}), "version", 0))
                .post(url(s)).then().statusCode(201).body("features", equalTo(List.of("radius")));
    }

    @Test
    void noFeaturesClearTheSetAndAStaleVersionIsA409() {
        long s = row("fs-e2");
        Api.as("fs-e2").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("site"), "version", 0))
                .post(url(s)).then().statusCode(201);
        Api.as("fs-e2").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("radius"), "version", 0))
                .post(url(s)).then().statusCode(409).body("error", equalTo("Annotation changed meanwhile"))
                .body("detail", containsString("fs-e2"));
        // a version that was never stored is a made-up number, not a race: a 400 saying the stored one
        Api.as("fs-e2").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("radius"), "version", 5))
                .post(url(s)).then().statusCode(400).body("error", equalTo("Invalid version 5"))
                .body("detail", containsString("is at version 1"));
        Api.as("fs-e2").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of(), "version", 1))
                .post(url(s)).then().statusCode(201).body("pixels", equalTo(0)).body("version", equalTo(2))
                .body("features", equalTo(List.of()));
        given().get(url(s)).then().body("", hasSize(1)).body("[0].features", equalTo(List.of()));
    }

    @Test
    void twoFeatureSetsSavedTogetherAreStoredBothOrNeither() {
        long s = row("fs-e4");
        Caller expert = new Caller("fs-e4", Role.EXPERT);
        Api.as("fs-e4").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("site"), "version", 0))
                .post(url(s)).then().statusCode(201);
        // site moves from shortcut to relevant, but the shortcut set is sent against a stale version (0, stored 1)
        assertThrows(Conflict.class, () -> reviews.annotateFeatureSets(expert, s, List.of(
                new ReviewService.FeatureSetChange("relevant", List.of("site"), 0),
                new ReviewService.FeatureSetChange("shortcut", List.of(), 0))));
        given().get(url(s)).then().statusCode(200).body("", hasSize(1)).body("[0].kind", equalTo("shortcut"))
                .body("[0].features", equalTo(List.of("site"))).body("[0].version", equalTo(1));

        Map<String, ReviewService.Annotation> saved = reviews.annotateFeatureSets(expert, s, List.of(
                new ReviewService.FeatureSetChange("relevant", List.of("site"), 0),
                new ReviewService.FeatureSetChange("shortcut", List.of(), 1)));
        assertEquals(1, saved.get("relevant").version());
        assertEquals(2, saved.get("shortcut").version());
        given().get(url(s)).then().statusCode(200).body("", hasSize(2))
                .body("find { it.kind == 'relevant' }.features", equalTo(List.of("site")))
                .body("find { it.kind == 'shortcut' }.features", equalTo(List.of()));
    }

    @Test
    void refusesUnknownNamesBothOrNeitherFormAndFeaturesOnAnImage() {
        long s = row("fs-e3");
        Api.as("fs-e3").contentType(ContentType.JSON)
                .body(Map.of("kind", "shortcut", "features", List.of("site", "hospital"), "version", 0))
                .post(url(s)).then().statusCode(400).body("error", equalTo("No such feature"))
                .body("detail", containsString("'hospital'"));
        given().get(url(s)).then().statusCode(200).body("", hasSize(0));
        Api.as("fs-e3").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "features", List.of("site"),
                        "mask", Base64.getEncoder().encodeToString(new byte[] {0, 1, 0}), "version", 0))
                .post(url(s)).then().statusCode(400).body("error", equalTo("Both mask and features"));
        Api.as("fs-e3").contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "version", 0))
                .post(url(s)).then().statusCode(400).body("error", equalTo("Missing mask"));
        Api.as("fs-e3").contentType(ContentType.JSON).body(Map.of("kind", "shortcut",
                        "mask", Base64.getEncoder().encodeToString(new byte[] {0, 1}), "version", 0))
                .post(url(s)).then().statusCode(400).body("error", equalTo("Mask does not fit the row"))
                .body("detail", containsString("3 features"));
        Api.as("fs-e3").contentType(ContentType.JSON)
                .body(Map.of("kind", "decoy", "features", List.of("site"), "version", 0))
                .post(url(s)).then().statusCode(400);
        given().get(url(s)).then().statusCode(200).body("", hasSize(0));

        long p = Api.newProject("feature sets on images");
        Api.importIdx(p, 1, "test");
        long image = given().get("/api/projects/" + p + "/samples?limit=1").then().statusCode(200)
                .extract().jsonPath().getLong("items[0].id");
        given().contentType(ContentType.JSON).body(Map.of("kind", "shortcut", "features", List.of("site"), "version", 0))
                .post(url(image)).then().statusCode(400).body("error", equalTo("Sample " + image + " is an image"))
                .body("detail", containsString("mask"));
        given().get(url(image)).then().statusCode(200).body("", hasSize(0));
        byte[] mask = new byte[784];
        mask[5] = 1;
        given().contentType(ContentType.JSON).body(Map.of("kind", "shortcut",
                        "mask", Base64.getEncoder().encodeToString(mask), "version", 0))
                .post(url(image)).then().statusCode(201).body("features", nullValue());
    }
}
