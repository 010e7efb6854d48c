package org.rationale.demo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.dataset.DatasetService;
import org.rationale.imaging.ImageCodec;
import org.rationale.dataset.Sample;
import org.rationale.dataset.Split;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.testing.PostgresTestResource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DemoSeederTest {

    @Inject
    DemoSeeder seeder;
    @Inject
    ProjectService projects;
    @Inject
    DatasetService datasets;

    @Test
    void seedsDecoySubsetOnceWithPatchesWhereRecorded() {
        seeder.seed();
        seeder.seed(); // a second start must not duplicate the demo
        Project demo = projects.findByName(DemoSeeder.PROJECT_NAME).orElseThrow();
        var counts = datasets.countsBySplit(demo.id);
        // the test profile points at a missing folder, so the bundled subset is used
        assertEquals(12000L, counts.get("train"));
        assertEquals(1000L, counts.get("test"));
        assertEquals(DecoyFashionMnist.CLASS_NAMES, demo.classNames);
        assertEquals(2, datasets.datasetsOf(demo.id).size());
        // the bundled files pass through a temporary folder, which the recorded origin does not name
        assertEquals("demo:demo/fashion-mnist-subset/train-images-idx3-ubyte.gz",
                datasets.datasetsOf(demo.id).stream().filter(d -> d.split.equals("train")).findFirst().orElseThrow().origin);

        for (Sample s : datasets.samples(demo.id, Split.TRAIN, null, 0, 50).items()) {
            assertNotNull(s.shortcutX, "training sample without its decoy region");
            byte[] px = ImageCodec.decodePng(datasets.imagePng(s.id).orElseThrow()).data();
            int shade = px[s.shortcutY * 28 + s.shortcutX] & 0xff;
            assertEquals(DecoyFashionMnist.trainingShade(s.label), shade, "sample " + s.id + " from " + s.source);
        }
    }
}
