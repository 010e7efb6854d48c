package org.rationale.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;
import org.rationale.imaging.ImageCodec;
import org.rationale.project.ProjectService;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import path tells its progress (headers checked, then samples stored), checks an upload and
 * compares its classes with the project's without storing anything, and lists every problem of an
 * archive at once.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ImportProgressTest {

    @Inject
    DatasetImporter importer;
    @Inject
    ProjectService projects;

    /** One call of the progress callback. */
    record Step(ImportProgress.Stage stage, long done, long total) {
    }

    private static Path file(byte[] bytes, String suffix) throws IOException {
        Path p = Files.createTempFile("import-progress", suffix);
        Files.write(p, bytes);
        p.toFile().deleteOnExit();
        return p;
    }

    /** Five RGB images of different sizes in two class folders. */
    private static Path animals() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cat/a.png", Fixtures.encode(Fixtures.rgbImage(224, 224, 1), "png"));
        entries.put("cat/b.jpg", Fixtures.encode(Fixtures.rgbImage(300, 200, 2), "jpg"));
        entries.put("dog/c.png", Fixtures.encode(Fixtures.rgbImage(256, 320, 3), "png"));
        entries.put("dog/d.png", Fixtures.encode(Fixtures.rgbImage(224, 224, 4), "png"));
        entries.put("dog/e.jpg", Fixtures.encode(Fixtures.rgbImage(451, 300, 5), "jpg"));
        return file(Fixtures.zip(entries), ".zip");
    }

    @Test
    void anArchiveImportReportsEveryHeaderCheckedThenEverySampleStored() throws IOException {
        long p = Api.newProject("progress");
        List<Step> steps = new ArrayList<>();
        Dataset d = importer.importArchive(p, "animals", "train", new DatasetImporter.NamedFile(animals(), "animals.zip"),
                null, "upload:animals.zip", (stage, done, total) -> steps.add(new Step(stage, done, total)), "admin");

        assertEquals(5, d.sampleCount);
        List<Step> checking = steps.stream().filter(s -> s.stage() == ImportProgress.Stage.CHECKING).toList();
        List<Step> storing = steps.stream().filter(s -> s.stage() == ImportProgress.Stage.STORING).toList();
        assertEquals(new Step(ImportProgress.Stage.CHECKING, 5, 5), checking.get(checking.size() - 1));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), storing.stream().map(Step::done).toList());
        assertTrue(storing.stream().allMatch(s -> s.total() == 5), storing.toString());
        // every header is checked before the first sample is stored
        assertEquals(ImportProgress.Stage.STORING, steps.get(steps.size() - 1).stage());
        assertEquals(checking.size(), steps.indexOf(storing.get(0)));
        assertEquals("upload:animals.zip", d.origin);
    }

    @Test
    void anIdxImportReportsEverySampleStored() throws IOException {
        long p = Api.newProject("progress idx");
        List<Step> steps = new ArrayList<>();
        Dataset d = importer.importIdx(p, null, "test",
                new DatasetImporter.NamedFile(file(Fixtures.idxImages(7, 28, 28), ".idx"), "t10k-images-idx3-ubyte"),
                new DatasetImporter.NamedFile(file(Fixtures.idxLabels(7, 10), ".idx"), "t10k-labels-idx1-ubyte"),
                "", "upload:x", (stage, done, total) -> steps.add(new Step(stage, done, total)), "admin");

        assertEquals(7, d.sampleCount);
        assertEquals("t10k-images-idx3-ubyte", d.name);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), steps.stream().map(Step::done).toList());
        assertTrue(steps.stream().allMatch(s -> s.stage() == ImportProgress.Stage.STORING && s.total() == 7));
    }

    @Test
    void theCheckListsEveryBadEntryAtOnceAndStoresNothing() throws IOException {
        long p = Api.newProject("problems");
        byte[] good = Fixtures.encode(Fixtures.rgbImage(40, 30, 1), "png");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cat/good.png", good);
        entries.put("loose.png", good);
        entries.put("cat/notes.txt", "not an image".getBytes());
        entries.put("dog/broken.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        entries.put("dog/../../evil.png", good);
        Path zip = file(Fixtures.zip(entries), ".zip");

        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () ->
                importer.previewArchive(p, new DatasetImporter.NamedFile(zip, "bad.zip"), ImportProgress.NONE));
        assertEquals("4 problems in bad.zip", e.getMessage());
        assertEquals(4, e.problems().size(), e.problems().toString());
        String all = String.join("\n", e.problems());
        for (String entry : List.of("loose.png", "cat/notes.txt", "dog/broken.png", "dog/../../evil.png")) {
            assertTrue(all.contains(entry), entry + " missing from " + all);
        }
        assertFalse(all.contains("Exception"), all);
        assertThrows(InvalidDatasetException.class, () -> importer.importArchive(p, "bad", "train",
                new DatasetImporter.NamedFile(zip, "bad.zip"), null, "upload:bad.zip", ImportProgress.NONE, "admin"));
        assertEquals(0, Api.sampleCount(p));
        assertEquals(0, Api.datasetCount(p));
    }

    @Test
    void theCheckSetsTheArchivesClassesAgainstTheProjectsWithoutStoring() throws IOException {
        long p = Api.newProject("classes");
        importer.importArchive(p, "first", "train", new DatasetImporter.NamedFile(animals(), "animals.zip"), null,
                "upload:animals.zip", ImportProgress.NONE, "admin");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("photos/Cat/x.png", Fixtures.encode(Fixtures.rgbImage(64, 48, 1), "png"));
        entries.put("photos/cat/y.png", Fixtures.encode(Fixtures.rgbImage(64, 48, 2), "png"));
        entries.put("photos/horse/z.png", Fixtures.encode(Fixtures.rgbImage(48, 64, 3), "png"));
        ImportPreview preview = importer.previewArchive(p,
                new DatasetImporter.NamedFile(file(Fixtures.zip(entries), ".zip"), "more.zip"), ImportProgress.NONE);

        assertEquals(3, preview.samples());
        assertEquals(List.of("Cat", "cat", "horse"), preview.classes().stream().map(ImportPreview.ClassMatch::name).toList());
        assertEquals(List.of(ImportPreview.Match.NEW, ImportPreview.Match.SAME, ImportPreview.Match.NEW),
                preview.classes().stream().map(ImportPreview.ClassMatch::status).toList());
        assertEquals(List.of(2, 0, 3), preview.classes().stream().map(ImportPreview.ClassMatch::projectLabel).toList());
        assertTrue(preview.classes().get(0).note().contains("the project has 'cat'"), preview.classes().get(0).note());
        assertEquals(List.of("dog"), preview.projectOnly());
        assertEquals(List.of("64×48", "48×64"), preview.imageSizes());
        assertFalse(preview.conflicts());
        assertEquals(List.of("cat", "dog"), projects.find(p).orElseThrow().classNames, "the check stored nothing");
        assertEquals(5, Api.sampleCount(p));
    }

    @Test
    void theCheckOfAnIdxPairFindsNamesThatDisagreeWithTheProject() throws IOException {
        long p = Api.newProject("idx names");
        Path images = file(Fixtures.idxImages(6, 28, 28), ".idx");
        Path labels = file(Fixtures.idxLabels(6, 3), ".idx");
        importer.importIdx(p, "first", "train", new DatasetImporter.NamedFile(images, "i"),
                new DatasetImporter.NamedFile(labels, "l"), "a, b, c", "upload:i+l", ImportProgress.NONE, "admin");

        ImportPreview same = importer.previewIdx(p, new DatasetImporter.NamedFile(images, "i"),
                new DatasetImporter.NamedFile(labels, "l"), "");
        assertFalse(same.conflicts());
        assertEquals(List.of("a", "b", "c"), same.classes().stream().map(ImportPreview.ClassMatch::projectName).toList());

        ImportPreview other = importer.previewIdx(p, new DatasetImporter.NamedFile(images, "i"),
                new DatasetImporter.NamedFile(labels, "l"), "a, B, c, d");
        assertTrue(other.conflicts());
        assertEquals(List.of(ImportPreview.Match.SAME, ImportPreview.Match.CONFLICT, ImportPreview.Match.SAME,
                ImportPreview.Match.NEW), other.classes().stream().map(ImportPreview.ClassMatch::status).toList());
        assertTrue(other.classes().get(1).note().contains("the project calls label 1 'b'"), other.classes().get(1).note());
        assertEquals(0, other.classes().get(3).count());
        assertEquals(List.of("28×28"), other.imageSizes());

        assertThrows(Invalid.class, () -> importer.previewIdx(p,
                new DatasetImporter.NamedFile(images, "i"), new DatasetImporter.NamedFile(labels, "l"), "a,,c"));
    }

    @Test
    void aThumbnailKeepsTheAspectAndRefusesSizesOutOfRange() throws IOException {
        long p = Api.newProject("thumbs");
        importer.importArchive(p, "animals", "train", new DatasetImporter.NamedFile(animals(), "animals.zip"), null,
                "upload:animals.zip", ImportProgress.NONE, "admin");
        long id = given().get("/api/projects/" + p + "/samples?split=train&limit=10").then().statusCode(200)
                .extract().jsonPath().getLong("items.find { it.width == 451 }.id");
        byte[] png = given().get("/api/samples/" + id + "/thumbnail.png?size=160").then().statusCode(200)
                .extract().asByteArray();
        ImageCodec.Pixels px = ImageCodec.decodePng(png);
        assertEquals(160, px.width());
        assertEquals(106, px.height());
        assertEquals(3, px.channels());
        // an image that fits is answered as stored
        byte[] whole = given().get("/api/samples/" + id + "/thumbnail.png?size=512").then().statusCode(200)
                .extract().asByteArray();
        assertEquals(451, ImageCodec.decodePng(whole).width());
        for (String size : List.of("15", "513", "-1", "100000")) {
            given().get("/api/samples/" + id + "/thumbnail.png?size=" + size).then().statusCode(400)
                    .body("error", startsWith("Invalid thumbnail size"));
        }
        given().get("/api/samples/999999999/thumbnail.png").then().statusCode(404);
    }
}
