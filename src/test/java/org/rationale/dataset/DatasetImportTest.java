package org.rationale.dataset;

import java.nio.ByteBuffer;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assertions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.rationale.imaging.ImageCodec;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class DatasetImportTest {

    private static final String OCTETS = "application/octet-stream";

    private static RequestSpecification idx(byte[] images, byte[] labels) {
        return given().multiPart("images", "imgs-idx3-ubyte.gz", images, OCTETS)
                .multiPart("labels", "labels-idx1-ubyte.gz", labels, OCTETS);
    }

    private static RequestSpecification archive(byte[] zip) {
        return given().multiPart("archive", "photos.zip", zip, "application/zip");
    }

    private static ValidatableResponse post(RequestSpecification spec, long project, String split) {
        return spec.multiPart("split", split).post("/api/projects/" + project + "/datasets").then();
    }

    /** Posts a bad upload and checks the status, the error, and that nothing was stored. */
    private static void assertRejected(long project, RequestSpecification spec, int status, String errorStart) {
        long before = Api.sampleCount(project);
        int datasetsBefore = Api.datasetCount(project);
        post(spec, project, "train")
                .statusCode(status)
                .contentType(ContentType.JSON)
                .body("error", startsWith(errorStart));
        assertEquals(before, Api.sampleCount(project), "samples were stored by a rejected import");
        assertEquals(datasetsBefore, Api.datasetCount(project), "a dataset was created by a rejected import");
    }

    private static byte[] png(Object url) {
        return given().get(url.toString()).then().statusCode(200).contentType("image/png")
                .extract().asByteArray();
    }

    @Test
    void importsGzippedIdxWithSourcesAndLosslessImages() {
        long p = Api.newProject("idx");
        post(idx(Fixtures.gzip(Fixtures.idxImages(12, 5, 4)), Fixtures.gzip(Fixtures.idxLabels(12, 3))), p, "train")
                .statusCode(201)
                .body("sampleCount", equalTo(12))
                .body("format", equalTo("idx"))
                .body("width", equalTo(4)).body("height", equalTo(5)).body("channels", equalTo(1))
                .body("name", equalTo("imgs-idx3-ubyte"));
        var page = given().get("/api/projects/" + p + "/samples?limit=100").then().statusCode(200)
                .body("total", equalTo(12)).extract().jsonPath();
        for (int i = 0; i < 12; i++) {
            assertEquals("imgs-idx3-ubyte.gz#" + i, page.getString("items[" + i + "].source"));
            assertEquals(i % 3, page.getInt("items[" + i + "].label"));
            byte[] expected = new byte[20];
            for (int px = 0; px < 20; px++) {
                expected[px] = Fixtures.pixel(i, px);
            }
            ImageCodec.Pixels back = ImageCodec.decodePng(png(page.getString("items[" + i + "].imageUrl")));
            assertEquals(4, back.width());
            assertArrayEquals(expected, back.data(), "image " + i + " changed on the way");
        }
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("0", "1", "2")));
    }

    @Test
    void warnsOfImagesIdenticalToImagesOfAnotherSplitAndStoresThemAll() {
        long p = Api.newProject("image leaks");
        post(idx(Fixtures.idxImages(10, 28, 28), Fixtures.idxLabels(10, 10)).multiPart("name", "seen"), p, "train")
                .statusCode(201).body("$", not(hasKey("warnings")));
        // the same images again in training: no leak
        post(idx(Fixtures.idxImages(4, 28, 28), Fixtures.idxLabels(4, 10)).multiPart("name", "again"), p, "train")
                .statusCode(201).body("$", not(hasKey("warnings")));
        // 12 images, the first 10 the training images pixel for pixel
        post(idx(Fixtures.idxImages(12, 28, 28), Fixtures.idxLabels(12, 10)).multiPart("name", "held out"), p, "test")
                .statusCode(201).body("sampleCount", equalTo(12)).body("warnings", equalTo(List.of(
                        "10 of 12 images are identical to an image of 'seen' (train) (first: imgs-idx3-ubyte.gz#0 of "
                                + "this set): a case in both test and train lets a model be measured on what it has "
                                + "learnt from",
                        "4 of 12 images are identical to an image of 'again' (train) (first: imgs-idx3-ubyte.gz#0 of "
                                + "this set): a case in both test and train lets a model be measured on what it has "
                                + "learnt from")));
        assertEquals(26, Api.sampleCount(p));
    }

    @Test
    void importsRawIdxWithGivenClassNames() {
        long p = Api.newProject("raw idx");
        post(idx(Fixtures.idxImages(6, 3, 3), Fixtures.idxLabels(6, 2)).multiPart("classNames", "normal, pneumonia")
                .multiPart("name", "ward 7"), p, "test")
                .statusCode(201).body("sampleCount", equalTo(6)).body("split", equalTo("test"));
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("normal", "pneumonia")))
                .body("samplesBySplit.test", equalTo(6));
        given().get("/api/projects/" + p + "/samples?label=1").then().body("total", equalTo(3))
                .body("items[0].className", equalTo("pneumonia"));
        // by its name as well; a name the project does not have is a 400 listing its classes
        given().get("/api/projects/" + p + "/samples?label=pneumonia").then().statusCode(200).body("total", equalTo(3))
                .body("items[0].className", equalTo("pneumonia"));
        given().get("/api/projects/" + p + "/samples?label=sick").then().statusCode(400)
                .body("error", equalTo("Invalid label 'sick'")).body("detail", containsString("normal, pneumonia"));
        given().get("/api/projects/" + p + "/samples?label=-1").then().statusCode(400);
    }

    @Test
    void importsImageFolderArchiveOfGrayAndRgbImagesOfAnySize() {
        long p = Api.newProject("folders");
        BufferedImage cat = Fixtures.rgbImage(30, 20, 1);
        BufferedImage dog = Fixtures.grayImage(17, 9, 2);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("pets/", new byte[0]);
        entries.put("pets/dog/", new byte[0]);
        entries.put("pets/dog/rex.png", Fixtures.encode(dog, "png"));
        entries.put("pets/cat/tom.png", Fixtures.encode(cat, "png"));
        entries.put("pets/cat/felix.jpg", Fixtures.encode(Fixtures.rgbImage(64, 48, 3), "jpg"));
        entries.put("__MACOSX/pets/cat/._tom.png", "junk".getBytes());
        entries.put("pets/.DS_Store", "junk".getBytes());
        post(archive(Fixtures.zip(entries)), p, "train")
                .statusCode(201).body("sampleCount", equalTo(3)).body("format", equalTo("image-folder"))
                .body("width", equalTo(null));
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("cat", "dog")));
        var items = given().get("/api/projects/" + p + "/samples").then().extract().jsonPath();
        Map<String, Integer> labelOf = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            labelOf.put(items.getString("items[" + i + "].source"), items.getInt("items[" + i + "].label"));
        }
        assertEquals(Map.of("pets/cat/felix.jpg", 0, "pets/cat/tom.png", 0, "pets/dog/rex.png", 1), labelOf);

        var tom = items.getList("items", Map.class).stream().filter(m -> m.get("source").equals("pets/cat/tom.png")).findFirst().orElseThrow();
        assertEquals(3, tom.get("channels"));
        BufferedImage back = Fixtures.decode(png(tom.get("imageUrl")));
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                assertEquals(cat.getRGB(x, y) & 0xffffff, back.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
            }
        }
        var rex = items.getList("items", Map.class).stream().filter(m -> m.get("source").equals("pets/dog/rex.png")).findFirst().orElseThrow();
        assertEquals(1, rex.get("channels"));
        assertEquals(17, rex.get("width"));
    }

    @Test
    void secondArchiveMapsKnownClassNamesToTheSameLabels() {
        long p = Api.newProject("two archives");
        byte[] img = Fixtures.encode(Fixtures.grayImage(8, 8, 1), "png");
        post(archive(Fixtures.zip(Map.of("b/1.png", img, "c/2.png", img))), p, "train").statusCode(201);
        post(archive(Fixtures.zip(Map.of("a/3.png", img, "c/4.png", img))).multiPart("name", "second"), p, "test")
                .statusCode(201);
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("b", "c", "a")));
        given().get("/api/projects/" + p + "/samples?split=test").then()
                .body("items.find { it.source == 'c/4.png' }.label", equalTo(1))
                .body("items.find { it.source == 'a/3.png' }.label", equalTo(2));
    }

    @Test
    void importsFashionMnistTestSplitFromServerPath() {
        long p = Api.newProject("fashion");
        given().contentType(ContentType.JSON).body(Map.of(
                        "name", "fashion test", "split", "test",
                        "images", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                        "labels", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"))
                .post("/api/projects/" + p + "/datasets/from-path")
                .then().statusCode(201).body("sampleCount", equalTo(10000)).body("width", equalTo(28));
        given().get("/api/projects/" + p + "/samples?offset=9999").then()
                .body("items[0].source", equalTo("t10k-images-idx3-ubyte.gz#9999"));
    }

    @Test
    void rejectsServerPathOutsideAllowedFolders() throws Exception {
        long p = Api.newProject("path");
        Path outside = Files.createTempFile("outside", ".gz");
        Files.write(outside, Fixtures.gzip(Fixtures.idxImages(2, 2, 2)));
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "images", outside.toString(),
                        "labels", "/etc/passwd"))
                .post("/api/projects/" + p + "/datasets/from-path")
                .then().statusCode(403).body("error", startsWith("Path not allowed"));
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "archive", "/usr/share/datasets/none.zip"))
                .post("/api/projects/" + p + "/datasets/from-path")
                .then().statusCode(400).body("error", startsWith("No such file"));
        assertEquals(0, Api.datasetCount(p));
    }

    @Test
    void rejectsWrongIdxMagic() {
        long p = Api.newProject("magic");
        byte[] images = Fixtures.idxImages(4, 2, 2);
        images[2] = 0x0d; // float data instead of unsigned bytes
        assertRejected(p, idx(images, Fixtures.idxLabels(4, 2)), 400, "Not an IDX image file");
        assertRejected(p, idx(Fixtures.idxLabels(4, 2), Fixtures.idxImages(4, 2, 2)), 400, "Not an IDX");
        assertRejected(p, idx("PK\u0003\u0004 not idx at all".getBytes(), Fixtures.idxLabels(4, 2)), 400, "Not an IDX image file");
    }

    @Test
    void rejectsWrongIdxDimensions() {
        long p = Api.newProject("dims");
        byte[] images = Fixtures.idxImages(4, 2, 2);
        images[3] = 2; // two dimensions: not images
        assertRejected(p, idx(images, Fixtures.idxLabels(4, 2)), 400, "Not an IDX image file");
        byte[] zeroRows = Fixtures.idxImages(4, 2, 2);
        zeroRows[11] = 0; // rows = 0
        assertRejected(p, idx(zeroRows, Fixtures.idxLabels(4, 2)), 400, "Invalid IDX dimensions");
    }

    @Test
    void rejectsImageAndLabelCountsThatDiffer() {
        long p = Api.newProject("counts");
        post(idx(Fixtures.idxImages(5, 2, 2), Fixtures.idxLabels(4, 2)), p, "train")
                .statusCode(400).body("error", equalTo("Image and label counts differ"))
                .body("detail", containsString("5 images but"));
        assertEquals(0, Api.datasetCount(p));
    }

    @Test
    void rejectsTruncatedGzipAfterStoringNothing() {
        long p = Api.newProject("truncated");
        // 1,500 images: some batches reach the database before the truncation is found
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(1500, 28, 28));
        byte[] cut = Arrays.copyOf(gz, gz.length * 3 / 4);
        assertRejected(p, idx(cut, Fixtures.gzip(Fixtures.idxLabels(1500, 10))), 400, "Truncated or corrupt gzip");
        assertEquals(0, given().get("/api/projects/" + p).then().extract().jsonPath().getList("classNames").size(),
                "class names of a rejected import were kept");
    }

    @Test
    void rejectsIdxWithMissingImages() {
        long p = Api.newProject("short");
        byte[] raw = Fixtures.idxImages(10, 4, 4);
        assertRejected(p, idx(Arrays.copyOf(raw, raw.length - 20), Fixtures.idxLabels(10, 2)), 400, "Truncated IDX file");
    }

    @Test
    void rejectsLabelCountThatTheFileDoesNotHoldWithoutAllocatingIt() {
        long p = Api.newProject("huge count");
        byte[] labels = ByteBuffer.allocate(12).putInt(0x801).putInt(1000).put(new byte[4]).array();
        assertRejected(p, idx(Fixtures.idxImages(1000, 2, 2), labels), 400, "Truncated IDX file");
    }

    /** A gzipped IDX file whose header declares {@code header} and whose body is {@code zeros} zero bytes. */
    private static byte[] gzipBomb(byte[] header, int zeros) {
        byte[] all = Arrays.copyOf(header, header.length + zeros);
        return Fixtures.gzip(all);
    }

    private static byte[] labelsHeader(int n) {
        return ByteBuffer.allocate(8).putInt(0x801).putInt(n).array();
    }

    private static byte[] imagesHeader(int n, int rows, int cols) {
        return ByteBuffer.allocate(16).putInt(0x803).putInt(n).putInt(rows).putInt(cols).array();
    }

    /** Posts, checks a 413 that names the file and the setting, nothing stored, and an answer within seconds. */
    private static void assertRefusedFast(long project, RequestSpecification spec, String errorStart, String file,
                                          String setting) {
        long t0 = System.nanoTime();
        long before = Api.sampleCount(project);
        post(spec, project, "train").statusCode(413).contentType(ContentType.JSON)
                .body("error", startsWith(errorStart))
                .body("error", containsString(file))
                .body("detail", containsString(setting));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Assertions.assertTrue(ms < 5_000, "refusing took " + ms + " ms");
        assertEquals(before, Api.sampleCount(project));
        assertEquals(0, Api.datasetCount(project));
    }

    @Test
    void refusesGzippedLabelsDeclaringTwoBillionBeforeReadingThem() {
        long p = Api.newProject("label bomb");
        // 16 MiB of zeros gzip to 16 KB; the header promises 2·10⁹ labels
        byte[] labels = gzipBomb(labelsHeader(2_000_000_000), 16 << 20);
        assertRefusedFast(p, idx(Fixtures.gzip(Fixtures.idxImages(4, 2, 2)), labels), "Too many samples in",
                "labels-idx1-ubyte.gz", "rationale.import.max-entries");
    }

    @Test
    void refusesIdxImagesWhoseHeaderExpandsBeyondTheLimit() {
        long p = Api.newProject("image bomb");
        // 100,000 x 28 x 28 = 78 MB, over the test's 64M max-uncompressed-size; 100,000 is within max-entries
        byte[] images = gzipBomb(imagesHeader(100_000, 28, 28), 1 << 20);
        assertRefusedFast(p, idx(images, gzipBomb(labelsHeader(100_000), 100_000)), "IDX file expands beyond the limit",
                "imgs-idx3-ubyte.gz", "rationale.import.max-uncompressed-size");
        // 30,000 x 28 x 28 = 23.5 M pixels: within 64M bytes, over the test's 20 M pixel budget
        byte[] fewer = gzipBomb(imagesHeader(30_000, 28, 28), 1 << 20);
        assertRefusedFast(p, idx(fewer, gzipBomb(labelsHeader(30_000), 30_000)), "Import exceeds the pixel budget",
                "imgs-idx3-ubyte.gz", "rationale.import.max-total-pixels");
        // more images than max-entries, each one pixel
        byte[] many = gzipBomb(imagesHeader(3_000_000, 1, 1), 1 << 20);
        assertRefusedFast(p, idx(many, gzipBomb(labelsHeader(3_000_000), 1 << 20)), "Too many samples in",
                "imgs-idx3-ubyte.gz", "rationale.import.max-entries");
    }

    @Test
    void refusesIdxBombsNamedByServerPath() throws Exception {
        long p = Api.newProject("path bomb");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "rationale-test-imports");
        Files.createDirectories(dir);
        Path images = Files.write(dir.resolve("bomb-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(4, 2, 2)));
        Path labels = Files.write(dir.resolve("bomb-labels-idx1-ubyte.gz"), gzipBomb(labelsHeader(2_000_000_000), 16 << 20));
        long t0 = System.nanoTime();
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "images", images.toString(),
                        "labels", labels.toString()))
                .post("/api/projects/" + p + "/datasets/from-path")
                .then().statusCode(413).contentType(ContentType.JSON)
                .body("error", equalTo("Too many samples in bomb-labels-idx1-ubyte.gz"))
                .body("detail", containsString("2000000000 labels"))
                .body("detail", containsString("rationale.import.max-entries"));
        Assertions.assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        Path bigImages = Files.write(dir.resolve("bomb2-images-idx3-ubyte.gz"), gzipBomb(imagesHeader(100_000, 28, 28), 1 << 20));
        Path bigLabels = Files.write(dir.resolve("bomb2-labels-idx1-ubyte.gz"), gzipBomb(labelsHeader(100_000), 100_000));
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "images", bigImages.toString(),
                        "labels", bigLabels.toString()))
                .post("/api/projects/" + p + "/datasets/from-path")
                .then().statusCode(413).body("error", startsWith("IDX file expands beyond the limit"));
        assertEquals(0, Api.datasetCount(p));
    }

    @Test
    void refusesIdxStreamThatHoldsMoreThanItsHeaderDeclares() {
        long p = Api.newProject("long stream");
        // the header says 4 labels; the stream goes on for 32 MiB: reading stops one byte past the 4th
        byte[] labels = gzipBomb(Arrays.copyOf(Fixtures.idxLabels(4, 2), 12), 32 << 20);
        assertRejected(p, idx(Fixtures.idxImages(4, 2, 2), labels), 400, "Unexpected data after the labels");
        byte[] images = gzipBomb(Fixtures.idxImages(4, 2, 2), 32 << 20);
        assertRejected(p, idx(images, Fixtures.idxLabels(4, 2)), 400, "Unexpected data after the images");
    }

    @Test
    void refusesArchiveOfCompressibleImagesOverThePixelBudgetBeforeDecoding() {
        long p = Api.newProject("pixel bomb");
        // six flat 2000 x 2000 PNGs: each is within the test's 4 M pixels per image, a few KB, and
        // together 24 M pixels, over the test's budget of 20 M decoded pixels per import
        byte[] flat = ImageCodec.encodePng(2000, 2000, 1, new byte[2000 * 2000]);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            entries.put("flat/" + i + ".png", flat);
        }
        assertRefusedFast(p, archive(Fixtures.zip(entries)), "Import exceeds the pixel budget", "photos.zip",
                "rationale.import.max-total-pixels");
        // one image over the per-image limit is refused by its header, with 413
        byte[] huge = ImageCodec.encodePng(2001, 2000, 1, new byte[2001 * 2000]);
        assertRefusedFast(p, archive(Fixtures.zip(Map.of("flat/huge.png", huge))), "Image too large: flat/huge.png",
                "flat/huge.png", "rationale.import.max-image-pixels");
    }

    @Test
    void rejectsArchiveEntryLargerThanAnyAllowedImage() {
        long p = Api.newProject("big entry");
        Random r = new Random(3);
        byte[] data = new byte[18 << 20]; // over 4 bytes per pixel of the test's 4,000,000-pixel limit
        for (int k = 0; k < data.length; k += 64) {
            data[k] = (byte) r.nextInt();
        }
        assertRejected(p, archive(Fixtures.zip(Map.of("a/huge.bmp", data))), 413, "Archive entry too large");
    }

    @Test
    void rejectsCorruptImageInArchive() {
        long p = Api.newProject("corrupt");
        byte[] good = Fixtures.encode(Fixtures.grayImage(8, 8, 1), "png");
        byte[] broken = Arrays.copyOf(good, 40);
        assertRejected(p, archive(Fixtures.zip(Map.of("a/good.png", good, "b/broken.png", broken))), 400,
                "Corrupt image: b/broken.png");
        // the reason in words, never a Java class name
        post(archive(Fixtures.zip(Map.of("a/good.png", good, "b/broken.png", broken))), p, "train").statusCode(400)
                .body("detail", Matchers.not(Matchers.containsString("Exception")));
    }

    @Test
    void rejectsNonImageFileInArchive() {
        long p = Api.newProject("non image");
        byte[] good = Fixtures.encode(Fixtures.grayImage(8, 8, 1), "png");
        assertRejected(p, archive(Fixtures.zip(Map.of("a/good.png", good, "a/notes.txt", "hello".getBytes()))), 400,
                "Not an image: a/notes.txt");
    }

    @Test
    void rejectsZipEntryOutsideTarget() {
        long p = Api.newProject("slip");
        byte[] good = Fixtures.encode(Fixtures.grayImage(8, 8, 1), "png");
        assertRejected(p, archive(Fixtures.zip(Map.of("a/good.png", good, "a/../../evil.png", good))), 400,
                "Archive entry escapes the target folder");
        assertRejected(p, archive(Fixtures.zip(Map.of("/etc/evil.png", good))), 400,
                "Archive entry escapes the target folder");
    }

    @Test
    void rejectsZipBombByCompressionRatio() {
        long p = Api.newProject("bomb");
        byte[] zeros = new byte[40 << 20]; // 40 MiB of zeros compress about a thousand times
        assertRejected(p, archive(Fixtures.zip(Map.of("a/bomb.bmp", zeros))), 400, "Suspicious compression ratio");
    }

    @Test
    void rejectsArchiveThatExpandsBeyondTotalSizeLimit() {
        long p = Api.newProject("total");
        Random r = new Random(5);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 80; i++) { // 80 MiB in all, each entry compresses only ~30x
            byte[] data = new byte[1 << 20];
            for (int k = 0; k < data.length; k += 64) {
                data[k] = (byte) r.nextInt();
            }
            entries.put("a/" + i + ".bin", data);
        }
        assertRejected(p, archive(Fixtures.zip(entries)), 413, "Archive expands beyond the limit");
    }

    @Test
    void rejectsEmptyArchive() {
        long p = Api.newProject("empty");
        assertRejected(p, archive(Fixtures.zip(Map.of())), 400, "Archive holds no images");
        assertRejected(p, archive(Fixtures.zip(Map.of("only/", new byte[0], ".hidden", new byte[1]))), 400,
                "Archive holds no images");
    }

    @Test
    void rejectsUploadThatIsNotAZip() {
        long p = Api.newProject("not zip");
        assertRejected(p, archive("just text".getBytes()), 400, "Not a zip archive");
    }

    @Test
    void rejectsImageOutsideAClassFolder() {
        long p = Api.newProject("flat");
        byte[] good = Fixtures.encode(Fixtures.grayImage(8, 8, 1), "png");
        assertRejected(p, archive(Fixtures.zip(Map.of("loose.png", good, "a/b.png", good))), 400,
                "Image outside a class folder");
    }

    @Test
    void rejectsUploadOverSizeLimit() {
        long p = Api.newProject("big");
        byte[] big = new byte[9 << 20]; // the test limit is 8M
        new Random(1).nextBytes(big);
        long before = Api.sampleCount(p);
        given().multiPart("archive", "big.zip", big, "application/zip").multiPart("split", "train")
                .post("/api/projects/" + p + "/datasets")
                .then().statusCode(413)
                .body("error", equalTo("Upload too large"))
                .body("detail", containsString("rationale.upload.max-size"));
        assertEquals(before, Api.sampleCount(p));
    }

    @Test
    void rejectsMissingOrMixedParts() {
        long p = Api.newProject("parts");
        assertRejected(p, given().multiPart("images", "i", Fixtures.idxImages(1, 2, 2), OCTETS), 400,
                "Missing dataset files");
        byte[] zip = Fixtures.zip(Map.of("a/x.png", Fixtures.encode(Fixtures.grayImage(4, 4, 1), "png")));
        assertRejected(p, idx(Fixtures.idxImages(1, 2, 2), Fixtures.idxLabels(1, 1))
                .multiPart("archive", "a.zip", zip, "application/zip"), 400, "Too many parts");
    }

    @Test
    void rejectsUnknownSplit() {
        long p = Api.newProject("split");
        long before = Api.sampleCount(p);
        post(idx(Fixtures.idxImages(2, 2, 2), Fixtures.idxLabels(2, 2)), p, "holdout")
                .statusCode(400).body("error", equalTo("Unknown split 'holdout'"))
                .body("detail", containsString("train, validation, test"));
        assertEquals(before, Api.sampleCount(p));
    }

    @Test
    void rejectsDuplicateDatasetName() {
        long p = Api.newProject("dup dataset");
        post(idx(Fixtures.idxImages(2, 2, 2), Fixtures.idxLabels(2, 2)).multiPart("name", "batch"), p, "train")
                .statusCode(201);
        assertRejected(p, idx(Fixtures.idxImages(2, 2, 2), Fixtures.idxLabels(2, 2)).multiPart("name", "Batch"), 409,
                "Dataset name already taken");
    }

    @Test
    void rejectsClassNamesThatContradictTheProject() {
        long p = Api.newProject("names");
        post(idx(Fixtures.idxImages(2, 2, 2), Fixtures.idxLabels(2, 2)).multiPart("classNames", "cat,dog"), p, "train")
                .statusCode(201);
        assertRejected(p, idx(Fixtures.idxImages(2, 2, 2), Fixtures.idxLabels(2, 2)).multiPart("classNames", "dog,cat")
                .multiPart("name", "again"), 409, "Class names disagree with the project");
    }

    @Test
    void importIntoUnknownProjectIs404() {
        post(idx(Fixtures.idxImages(2, 2, 2), Fixtures.idxLabels(2, 2)), 987654321L, "train")
                .statusCode(404).body("error", equalTo("Project 987654321 not found"));
    }
}
