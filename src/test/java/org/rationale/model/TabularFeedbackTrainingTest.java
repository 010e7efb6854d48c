package org.rationale.model;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;
import org.rationale.worker.WorkerPool;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rationale.testing.TabularProjects.breastCancer;
import static org.rationale.testing.TabularProjects.markSite;
import static org.rationale.testing.TabularProjects.sampleIds;
import static org.rationale.testing.TabularProjects.trained;
import static org.rationale.testing.TabularProjects.training;

/**
 * Feedback training on table rows: on the breast-cancer data whose {@code site} column encodes the
 * diagnosis in training and is random in test, marking {@code site} as a shortcut on a few training
 * rows makes the platform's MLP, retrained with the marks (RRR, counterexamples), lean less on
 * {@code site} (its share of the occlusion attribution on test rows) and score higher on the test
 * split than the same training without feedback, same seed.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularFeedbackTrainingTest {

    /** Training rows marked. */
    static final int MARKED = 20;
    /** Test rows whose maps the site share is taken over. */
    static final int MAPPED = 60;

    @Inject
    AgroalDataSource db;

    @Inject
    WorkerPool pool;

    /** A trained version: its test accuracy and mean share of |occlusion| on {@code site} over test rows. */
    record Trained(long modelId, double testAccuracy, double siteShare) {
    }

    Trained train(long project, String feedback, List<Long> testIds) throws Exception {
        JsonPath done = trained(project, training(feedback));
        long model = done.getLong("result.modelId");
        return new Trained(model, done.getDouble("result.accuracy.test"), siteShare(model, testIds));
    }

    /** Mean over the rows of |site's attribution| / Σ|attributions| of the occlusion maps. */
    static double siteShare(long model, List<Long> rows) {
        double sum = 0;
        for (long id : rows) {
            JsonPath map = given().post("/api/samples/" + id + "/saliency?modelId=" + model + "&method=occlusion&curves=false")
                    .then().statusCode(200).extract().jsonPath();
            sum += TabularProjects.siteShare(map);
        }
        return sum / rows.size();
    }

    @Test
    void markingSiteOnAFewRowsMakesTheRetrainedMlpLeanLessOnSiteAndScoreHigherOnTheTestSplit() throws Exception {
        long p = breastCancer("tabular feedback");
        List<Long> train = sampleIds(db, p, "train");
        List<Long> test = sampleIds(db, p, "test").subList(0, MAPPED);
        for (int i = 0; i < MARKED; i++) {
            markSite(train.get(i * (train.size() / MARKED)));
        }
        pool.start(1);
        try {
            Trained control = train(p, "none", test);
            Trained rrr = train(p, "rrr", test);
            Trained counter = train(p, "counterexamples", test);
            System.out.printf("TABULAR FEEDBACK control %.4f (site %.3f), rrr %.4f (site %.3f), counterexamples %.4f (site %.3f)%n",
                    control.testAccuracy(), control.siteShare(), rrr.testAccuracy(), rrr.siteShare(),
                    counter.testAccuracy(), counter.siteShare());
            // measured (seed 5, 20 epochs, site held against every row, λ 10): control 0.899 (site 0.167),
            // rrr 0.982 (0.016), counterexamples 0.964 (0.030); with the marked rows alone repeated in every
            // batch (session 12) rrr was 0.941 (0.041) and counterexamples 0.923 (0.131)
            assertTrue(rrr.siteShare() < control.siteShare() - 0.1, rrr + " vs control " + control);
            assertTrue(rrr.testAccuracy() > control.testAccuracy() + 0.05, rrr + " vs control " + control);
            assertTrue(counter.siteShare() < control.siteShare() - 0.1, counter + " vs control " + control);
            assertTrue(counter.testAccuracy() > control.testAccuracy() + 0.03, counter + " vs control " + control);
        } finally {
            pool.stop();
        }
    }

    @Test
    void feedbackOnRowsWithoutShortcutMarksIsRefusedWithAMessage() throws Exception {
        long p = breastCancer("tabular feedback refused");
        given().contentType(ContentType.JSON).body(training("rrr")).post("/api/projects/" + p + "/trainings")
                .then().statusCode(400).body("error", containsString("No shortcut marks to train with"))
                .body("detail", containsString("train split"));
        // a mark on a test row is no feedback for a training on the train split
        markSite(sampleIds(db, p, "test").get(0));
        given().contentType(ContentType.JSON).body(training("counterexamples")).post("/api/projects/" + p + "/trainings")
                .then().statusCode(400).body("error", containsString("No shortcut marks to train with"));
    }
}
