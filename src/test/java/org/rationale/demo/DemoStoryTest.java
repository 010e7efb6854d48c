package org.rationale.demo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.model.TrainingService;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.saliency.SaliencyMap;
import org.rationale.saliency.SaliencyService;
import org.rationale.testing.PostgresTestResource;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo tells its story from the data the repository ships: seeded from the bundled subset (the
 * test profile points the full set's folder at a missing one) and trained as the demo trains, its
 * model leans on the decoy — its accuracy on the decoy test split falls far below its training
 * accuracy — and its vanilla-gradient maps show the 4×4 patch hot, as a reviewer sees them.
 * Everything is seeded, so the figures are the same on every run of one engine; the thresholds
 * keep a margin below what was measured (README, "The demo's figures").
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DemoStoryTest {

    /** Training samples whose maps are checked (the first of the split, as a round's reviewers would see many). */
    private static final int MAPS = 100;
    private static final double UNIFORM_SHARE = 16.0 / 784;
    // thresholds below the figures measured on this data (README, "The demo's figures"), with margin
    // measured (first 200 training images): train 0.969, test 0.558, share 0.079 (3.9x), hottest in the patch 46 %
    private static final double TRAIN_AT_LEAST = 0.93;
    private static final double GAP_AT_LEAST = 0.25;
    private static final double SHARE_TIMES_UNIFORM = 2.5;
    private static final double HOTTEST_AT_LEAST = 0.25;

    @Inject
    DemoSeeder seeder;
    @Inject
    ProjectService projects;
    @Inject
    DatasetService datasets;
    @Inject
    TrainingService training;
    @Inject
    SaliencyService saliency;

    @Test
    void theModelTrainedOnTheBundledSubsetLearnsTheDecoyAndItsMapsShowThePatch() {
        seeder.seed();
        Project demo = projects.findByName(DemoSeeder.PROJECT_NAME).orElseThrow();
        assertTrue(demo.description.contains("Bundled subset"), demo.description);
        long job = seeder.startTraining();
        training.run(job);
        JsonPath done = given().get("/api/jobs/" + job).then().statusCode(200).extract().jsonPath();
        double train = done.getDouble("result.accuracy.train");
        double test = done.getDouble("result.accuracy.test");
        long model = done.getLong("result.modelId");
        System.out.printf("Demo on the bundled subset: train %.3f, decoy test %.3f%n", train, test);
        assertTrue(train > TRAIN_AT_LEAST, "training accuracy " + train);
        assertTrue(train - test > GAP_AT_LEAST, "the decoy misleads the model on the test split: train " + train
                + ", test " + test);

        double shareSum = 0;
        int hottestInPatch = 0;
        for (Sample s : datasets.samples(demo.id, Split.TRAIN, null, 0, MAPS).items()) {
            SaliencyMap map = saliency.map(s.id, model, "vanilla-gradient", "predicted", Map.of(), false);
            assertEquals(784, map.values().length);
            double inside = 0;
            double total = 0;
            int hottest = 0;
            for (int p = 0; p < 784; p++) {
                double a = Math.abs(map.values()[p]);
                total += a;
                inside += inPatch(s, p) ? a : 0;
                hottest = a > Math.abs(map.values()[hottest]) ? p : hottest;
            }
            shareSum += inside / total;
            hottestInPatch += inPatch(s, hottest) ? 1 : 0;
        }
        double share = shareSum / MAPS;
        System.out.printf("Vanilla-gradient maps of %d training samples: mean share on the patch %.3f (uniform %.3f), "
                + "hottest pixel in the patch on %d%n", MAPS, share, UNIFORM_SHARE, hottestInPatch);
        assertTrue(share > SHARE_TIMES_UNIFORM * UNIFORM_SHARE, "mean share of |map| on the patch " + share);
        assertTrue(hottestInPatch > HOTTEST_AT_LEAST * MAPS, "hottest pixel in the patch on " + hottestInPatch
                + " of " + MAPS);
    }

    private static boolean inPatch(Sample s, int p) {
        int x = p % 28;
        int y = p / 28;
        return x >= s.shortcutX && x < s.shortcutX + s.shortcutWidth && y >= s.shortcutY && y < s.shortcutY + s.shortcutHeight;
    }
}
