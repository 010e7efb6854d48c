package org.rationale.dataset;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.TabularProjects;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV tables imported into tabular projects: types, values, sources, and every refusal with nothing stored. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class TabularImportTest {

    private static final Path DEMO = Path.of("src/main/resources/demo/breast-cancer-site");
    private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

    private static long tabularProject(String prefix) {
        return TabularProjects.create(prefix);
    }

    private static RequestSpecification table(String fileName, byte[] csv, String label) {
        RequestSpecification spec = given().multiPart("table", fileName, csv, "text/csv");
        return label == null ? spec : spec.multiPart("label", label);
    }

    private static RequestSpecification table(String csv, String label) {
        return table("rows.csv", csv.getBytes(StandardCharsets.UTF_8), label);
    }

    private static ValidatableResponse post(RequestSpecification spec, long project, String split) {
        return spec.multiPart("split", split).post("/api/projects/" + project + "/datasets").then();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String sampleOfSource(long project, String source) {
        return given().get("/api/projects/" + project + "/samples?limit=1000").then().statusCode(200).extract()
                .jsonPath().getString("items.find { it.source == '" + source + "' }.id");
    }

    @Test
    void importsQuotedCommasCrlfAndByteOrderMarkWithInferredTypes() {
        long p = tabularProject("patients");
        String csv = "patient,age,site,smoker,note,diagnosis\r\n"
                + "P-1,34.5,A,true,\"Smith, J\",benign\r\n"
                + "P-2,61,B,FALSE,\"said \"\"hi\"\"\",malignant\r\n"
                + " P-3 , 7e1 ,A,False,\"two\r\nlines\",benign\r\n";
        post(table("patients.csv", concat(BOM, csv.getBytes(StandardCharsets.UTF_8)), "diagnosis")
                .multiPart("id", "patient"), p, "train")
                .statusCode(201)
                .body("format", equalTo("csv")).body("sampleCount", equalTo(3)).body("columnCount", equalTo(4))
                .body("width", equalTo(4)).body("height", equalTo(1)).body("channels", equalTo(1))
                .body("name", equalTo("patients"));
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("benign", "malignant")))
                .body("samplesBySplit.train", equalTo(3));

        String first = sampleOfSource(p, "id P-1");
        String body = given().get("/api/samples/" + first).then().statusCode(200)
                .body("source", equalTo("id P-1")).body("className", equalTo("benign"))
                .body("width", equalTo(4)).body("height", equalTo(1))
                .body("imageUrl", nullValue())
                .body("values.age", equalTo(34.5f)).body("values.site", equalTo("A"))
                .body("values.smoker", equalTo(true)).body("values.note", equalTo("Smith, J"))
                .body("columns.name", equalTo(List.of("age", "site", "smoker", "note")))
                .body("columns.type", equalTo(List.of("numeric", "categorical", "boolean", "categorical")))
                .body("columns[1].categories", equalTo(List.of("A", "B")))
                .body("columns[3].categories", equalTo(List.of("Smith, J", "said \"hi\"", "two\r\nlines")))
                .body("columns[0].categories", hasSize(0))
                .extract().asString();
        assertTrue(body.contains("\"values\":{\"age\":34.5,\"site\":\"A\",\"smoker\":true,\"note\":\"Smith, J\"}"),
                "values in the file's column order: " + body);
        given().get("/api/samples/" + sampleOfSource(p, "id P-2")).then()
                .body("values.age", equalTo(61.0f)).body("values.smoker", equalTo(false))
                .body("values.note", equalTo("said \"hi\"")).body("className", equalTo("malignant"));
        // spaces around cells are ignored; a number in exponent notation is a number
        given().get("/api/samples/" + sampleOfSource(p, "id P-3")).then()
                .body("values.age", equalTo(70.0f)).body("values.note", equalTo("two\r\nlines"));
        // the list shows values too, and no image
        given().get("/api/projects/" + p + "/samples").then().statusCode(200)
                .body("items.imageUrl", everyItem(nullValue())).body("items[0].values.site", equalTo("A"));
        given().get("/api/projects/" + p + "/datasets").then().body("[0].columnCount", equalTo(4))
                .body("[0].format", equalTo("csv"));
    }

    @Test
    void withoutAnIdColumnTheSourceIsTheSpreadsheetRow() {
        long p = tabularProject("no id");
        post(table("x,y\n1,a\n\n2,b\n", "y"), p, "test").statusCode(201).body("sampleCount", equalTo(2))
                .body("split", equalTo("test"));
        // row 1 is the header; the empty line (row 3) is skipped but counted, as a spreadsheet shows it
        assertEquals(List.of("row 2", "row 4"), given().get("/api/projects/" + p + "/samples").then()
                .extract().jsonPath().getList("items.source"));
    }

    @Test
    void warnsOfRowsFoundAgainInAnotherSplitByIdOrByEveryFeatureAndStoresThemAll() {
        long p = tabularProject("leaks");
        String why = ": a case in both test and train lets a model be measured on what it has learnt from";
        String chance = " of this table; the same case, or chance with few features)";
        post(table("case,age,site,y\nc1,30,A,no\nc2,40,B,yes\nc3,50,A,no\n", "y").multiPart("id", "case")
                .multiPart("name", "first"), p, "train").statusCode(201).body("$", not(hasKey("warnings")));
        // a row twice in training is no leak
        post(table("case,age,site,y\nc1,30,A,no\n", "y").multiPart("id", "case").multiPart("name", "more"), p, "train")
                .statusCode(201).body("$", not(hasKey("warnings")));
        // c3 again (other values), c9 with the values of c1 (and another label: the label is no feature)
        post(table("case,age,site,y\nc9,30,A,yes\nc3,51,A,no\nc4,60,B,yes\n", "y").multiPart("id", "case")
                .multiPart("name", "held out"), p, "test").statusCode(201).body("sampleCount", equalTo(3))
                .body("warnings", equalTo(List.of(
                        "1 of 3 rows has an id that 'first' (train) also has (first: id c3 of this table)" + why,
                        "1 of 3 rows has the feature values of a row of 'first' (train) (first: id c9" + chance + why,
                        "1 of 3 rows has the feature values of a row of 'more' (train) (first: id c9" + chance + why)));
        assertEquals(7, given().get("/api/projects/" + p + "/samples?limit=100").then().statusCode(200).extract()
                .jsonPath().getInt("total"));
        // the answer of the import only: listings carry no warnings
        given().get("/api/projects/" + p + "/datasets").then().statusCode(200)
                .body("findAll { it.containsKey('warnings') }", hasSize(0));

        // without id columns the sources ("row 2") are no ids: rows of other values are no leak
        long q = tabularProject("no leaks");
        post(table("age,y\n30,no\n40,yes\n", "y"), q, "train").statusCode(201);
        post(table("age,y\n31,no\n41,yes\n", "y").multiPart("name", "held out"), q, "test").statusCode(201)
                .body("$", not(hasKey("warnings")));

        // rows of few values meet many rows there: each counted once
        long r = tabularProject("repeats");
        post(table("flag,y\ntrue,a\ntrue,b\ntrue,a\nfalse,b\n", "y").multiPart("name", "seen"), r, "train")
                .statusCode(201);
        post(table("flag,y\ntrue,a\ntrue,b\n", "y").multiPart("name", "held out"), r, "test").statusCode(201)
                .body("warnings", equalTo(List.of("2 of 2 rows have the feature values of a row of 'seen' (train) "
                        + "(first: row 2" + chance + why)));
        // between validation and test nothing is learnt from: the case is measured twice
        post(table("flag,y\ntrue,a\n", "y").multiPart("name", "checking"), r, "validation").statusCode(201)
                .body("warnings", equalTo(List.of("1 of 1 rows has the feature values of a row of 'seen' (train) "
                                + "(first: row 2" + chance + ": a case in both validation and train lets a model be "
                                + "measured on what it has learnt from",
                        "1 of 1 rows has the feature values of a row of 'held out' (test) (first: row 2" + chance
                                + ": a case in both validation and test is measured twice")));
    }

    @Test
    void labelValuesExtendTheProjectsClassesInOrder() {
        long p = tabularProject("classes");
        post(table("x,grade\n1,3\n2,10\n3,2\n", "grade"), p, "train").statusCode(201);
        // whole numbers sort as numbers
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("2", "3", "10")));
        post(table("x,grade\n1,11\n2,3\n", "grade").multiPart("name", "more"), p, "test").statusCode(201);
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("2", "3", "10", "11")));
        given().get("/api/projects/" + p + "/samples?split=test").then().body("items.label", equalTo(List.of(3, 1)));
    }

    @Test
    void theBreastCancerDemoSplitsImportWithTheirSiteColumn() throws IOException {
        long p = tabularProject("breast cancer");
        post(table("train.csv", Files.readAllBytes(DEMO.resolve("train.csv")), "diagnosis"), p, "train")
                .statusCode(201).body("sampleCount", equalTo(400)).body("columnCount", equalTo(31));
        post(table("test.csv", Files.readAllBytes(DEMO.resolve("test.csv")), "diagnosis"), p, "test")
                .statusCode(201).body("sampleCount", equalTo(169)).body("columnCount", equalTo(31));
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("benign", "malignant")))
                .body("samplesBySplit.train", equalTo(400)).body("samplesBySplit.test", equalTo(169));
        String any = given().get("/api/projects/" + p + "/samples?limit=1").then().extract().jsonPath()
                .getString("items[0].id");
        given().get("/api/samples/" + any).then().statusCode(200)
                .body("columns", hasSize(31))
                .body("columns.find { it.name == 'site' }.type", equalTo("categorical"))
                .body("columns.find { it.name == 'site' }.categories", equalTo(List.of("A", "B")))
                .body("columns.find { it.name == 'mean_radius' }.type", equalTo("numeric"));
    }

    @Test
    void importsATableNamedByAServerPath() throws IOException {
        long p = tabularProject("path");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "rationale-test-imports");
        Files.createDirectories(dir);
        Path file = Files.writeString(dir.resolve("path-" + UUID.randomUUID() + ".csv"), "k,a,b,y\nk1,1,x,u\nk2,2,y,v\n");
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "table", file.toString(), "label", "y",
                        "id", "k", "name", "served"))
                .post("/api/projects/" + p + "/datasets/from-path").then().statusCode(201)
                .body("name", equalTo("served")).body("sampleCount", equalTo(2)).body("columnCount", equalTo(2));
        given().get("/api/projects/" + p + "/samples").then().body("items.source", equalTo(List.of("id k1", "id k2")));
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "table", "/etc/passwd", "label", "y"))
                .post("/api/projects/" + p + "/datasets/from-path").then().statusCode(403);
    }

    /** A bad table, the status and the start of its error, and words its detail must hold. */
    private record Bad(String what, RequestSpecification spec, int status, String error, String... detail) {
    }

    @Test
    void refusesEveryBadTableNamingRowAndColumnAndStoresNothing() throws IOException {
        long p = tabularProject("bad tables");
        // a first table, so that the project has samples, classes and columns to keep
        post(table("age,site,diagnosis\n50,A,benign\n60,B,malignant\n", "diagnosis").multiPart("name", "first"), p,
                "train").statusCode(201);
        StringBuilder wide = new StringBuilder("y");
        for (int i = 0; i < 2001; i++) {
            wide.append(",c").append(i);
        }
        StringBuilder names = new StringBuilder("age,site,name,diagnosis\n");
        for (int i = 0; i < 201; i++) {
            names.append(i).append(",A,person ").append(i).append(",benign\n");
        }
        List<Bad> bads = new ArrayList<>(List.of(
                new Bad("empty cell", table("age,site,diagnosis\n50,A,benign\n,B,benign\n", "diagnosis"), 400,
                        "Missing value in row 3, column 'age'", "the cell is empty"),
                new Bad("NA", table("age,site,diagnosis\n50,NA,benign\n", "diagnosis"), 400,
                        "Missing value in row 2, column 'site'", "'NA'"),
                new Bad("missing label", table("age,site,diagnosis\n50,A,?\n", "diagnosis"), 400,
                        "Missing value in row 2, column 'diagnosis'", "'?'"),
                new Bad("two problems", table("age,site,diagnosis\nnull,A,benign\n40,N/A,benign\n", "diagnosis"), 400,
                        "2 problems in rows.csv", "row 2, column 'age'", "row 3, column 'site'", "'N/A'"),
                new Bad("too few cells", table("age,site,diagnosis\n50,A,benign\n50,benign\n", "diagnosis"), 400,
                        "Row 3 has 2 cells, the header 3"),
                new Bad("too many cells", table("age,site,diagnosis\n50,A,x,benign\n", "diagnosis"), 400,
                        "Row 2 has 4 cells, the header 3", "double quotes"),
                new Bad("duplicate header", table("age,site,age,diagnosis\n1,A,2,benign\n", "diagnosis"), 400,
                        "Duplicate column name 'age'", "Columns 1 and 3"),
                new Bad("blank header", table("age,,site,diagnosis\n1,2,A,benign\n", "diagnosis"), 400,
                        "Blank column name", "Column 2"),
                new Bad("no label column", table("age,site,Diagnosis\n1,A,benign\n", "diagnosis"), 400,
                        "No column 'diagnosis' in rows.csv", "did you mean 'Diagnosis'"),
                new Bad("semicolons", table("age;site;diagnosis\n1;A;benign\n", "diagnosis"), 400,
                        "No column 'diagnosis' in rows.csv", "the file is separated by ';', not commas"),
                new Bad("no id column", table("age,site,diagnosis\n1,A,benign\n", "diagnosis").multiPart("id", "patient"),
                        400, "No column 'patient' in rows.csv", "id column"),
                new Bad("label not given", table("age,site,diagnosis\n1,A,benign\n", null), 400,
                        "Missing label column"),
                new Bad("duplicate id", table("pid,age,site,diagnosis\nP1,1,A,benign\nP2,2,A,benign\nP1,3,B,benign\n",
                        "diagnosis").multiPart("id", "pid"), 400, "Duplicate id 'P1' in rows 2 and 4", "'pid'"),
                new Bad("header only", table("age,site,diagnosis\r\n", "diagnosis"), 400, "No data rows in rows.csv",
                        "header only"),
                new Bad("empty file", table("", "diagnosis"), 400, "Empty file: rows.csv"),
                new Bad("not UTF-8", table("latin1.csv", concat("age,site,diagnosis\n1,A,benign\n2,".getBytes(
                        StandardCharsets.UTF_8), new byte[] {(byte) 0xe9}, ",benign\n".getBytes(StandardCharsets.UTF_8)),
                        "diagnosis"), 400, "Not UTF-8 text: latin1.csv", "Row 3"),
                new Bad("long cell", table("age,site,diagnosis\n1," + "s".repeat(1001) + ",benign\n", "diagnosis"), 400,
                        "Cell too long in row 2, column 'site'", "1001 characters"),
                new Bad("too many columns", table(wide + "\n", "y"), 400, "Too many columns in rows.csv", "2002 columns"),
                new Bad("too many categories", table(names.toString(), "diagnosis").multiPart("name", "names"), 400,
                        "Too many categories in column 'name'", "more than 200", "id=name"),
                new Bad("unclosed quote", table("age,site,diagnosis\n1,\"A,benign\n2,B,benign\n", "diagnosis"), 400,
                        "A quoted cell never ends in rows.csv", "row 2"),
                new Bad("text after a quote", table("age,site,diagnosis\n1,\"A\"x,benign\n", "diagnosis"), 400,
                        "Text after a closing quote in row 2"),
                new Bad("NUL in a cell", table("age,site,diagnosis\n1,A\u0000,benign\n", "diagnosis"), 400,
                        "Control character in row 2, column 'site'", "U+0000"),
                new Bad("out of range", table("age,site,diagnosis\n1e999,A,benign\n", "diagnosis"), 400,
                        "Number out of range in row 2, column 'age'"),
                new Bad("no feature column", table("pid,diagnosis\nP1,benign\n", "diagnosis").multiPart("id", "pid"), 400,
                        "No feature columns in rows.csv"),
                new Bad("gzip", table("rows.csv.gz", Fixtures.gzip("age,site,diagnosis\n1,A,b\n".getBytes(
                        StandardCharsets.UTF_8)), "diagnosis"), 400, "Not a CSV file: rows.csv.gz", "gzip"),
                new Bad("label is the id", table("age,site,diagnosis\n1,A,b\n", "diagnosis").multiPart("id", "diagnosis"),
                        400, "The label and id columns are the same"),
                new Bad("other columns", table("test.csv", "age,site,smoker,diagnosis\n1,2,true,benign\n"
                        .getBytes(StandardCharsets.UTF_8), "diagnosis"), 400,
                        "The columns of test.csv differ from the project's", "'first'",
                        "not in 'first': 'smoker'", "of another type: 'site' is numeric here, categorical there"),
                new Bad("a word among numbers", table("test.csv", "age,site,diagnosis\n1,A,benign\nInfinity,B,benign\n"
                        .getBytes(StandardCharsets.UTF_8), "diagnosis"), 400,
                        "The columns of test.csv differ from the project's",
                        "'age' is categorical here, numeric there (row 3 holds 'Infinity')"),
                new Bad("a one-hot name", table("age,site,site=A,diagnosis\n1,A,0.5,benign\n2,B,1.5,benign\n",
                        "diagnosis"), 400, "Column name 'site=A' reads as a one-hot column",
                        "category 'A' of the categorical column 'site' (column=category); rename the column"),
                new Bad("missing column", table("test.csv", "age,diagnosis\n1,benign\n"
                        .getBytes(StandardCharsets.UTF_8), "diagnosis"), 400,
                        "The columns of test.csv differ from the project's", "missing here: 'site'"),
                new Bad("class names", table("age,site,diagnosis\n1,A,benign\n", "diagnosis").multiPart("classNames", "a,b"),
                        400, "Class names come from the label column"),
                new Bad("table and archive", table("age,site,diagnosis\n1,A,benign\n", "diagnosis")
                        .multiPart("archive", "a.zip", Fixtures.zip(Map.of("a/x.png", Fixtures.encode(
                                Fixtures.grayImage(4, 4, 1), "png"))), "application/zip"), 400, "Too many parts"),
                new Bad("taken name", table("age,site,diagnosis\n1,A,benign\n", "diagnosis").multiPart("name", "FIRST"),
                        409, "Dataset name already taken")));
        for (Bad bad : bads) {
            long samples = Api.sampleCount(p);
            int datasets = Api.datasetCount(p);
            ValidatableResponse r = post(bad.spec(), p, "test")
                    .statusCode(bad.status()).contentType(ContentType.JSON)
                    .body("error", startsWith(bad.error()))
                    .body("detail", not(containsString("Exception")));
            for (String words : bad.detail()) {
                r.body("detail", containsString(words));
            }
            assertEquals(samples, Api.sampleCount(p), bad.what() + ": samples were stored by a refused import");
            assertEquals(datasets, Api.datasetCount(p), bad.what() + ": a dataset was created by a refused import");
        }
        // the refused tables brought no classes
        given().get("/api/projects/" + p).then().body("classNames", equalTo(List.of("benign", "malignant")));
    }

    @Test
    void refusesMoreRowsThanTheImportLimitWith413() throws IOException {
        long p = tabularProject("many rows");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "rationale-test-imports");
        Files.createDirectories(dir);
        Path file = dir.resolve("many-" + UUID.randomUUID() + ".csv");
        byte[] row = "0,a\n".getBytes(StandardCharsets.US_ASCII);
        try (var out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write("x,y\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 2_000_001; i++) { // the test profile's max-entries is 2,000,000
                out.write(row);
            }
        }
        given().contentType(ContentType.JSON).body(Map.of("split", "train", "table", file.toString(), "label", "y"))
                .post("/api/projects/" + p + "/datasets/from-path").then().statusCode(413)
                .body("error", equalTo("Too many rows in " + file.getFileName()))
                .body("detail", containsString("row 2000002"))
                .body("detail", containsString("rationale.import.max-entries"));
        assertEquals(0, Api.datasetCount(p));
        Files.delete(file);
    }

    @Test
    void refusesATableOverTheUploadLimitWith413() {
        long p = tabularProject("big table");
        byte[] big = ("x,y\n" + "1,a\n".repeat(9 << 18)).getBytes(StandardCharsets.US_ASCII); // 9 MiB, the test limit is 8M
        post(table("big.csv", big, "y"), p, "train").statusCode(413).body("error", equalTo("Upload too large"))
                .body("detail", containsString("rationale.upload.max-size"));
        assertEquals(0, Api.sampleCount(p));
    }

    @Test
    void anImagesProjectRefusesATable() {
        long p = Api.newProject("images only");
        post(table("x,y\n1,a\n", "y"), p, "train").statusCode(400)
                .body("error", startsWith("Project 'images only"))
                .body("error", containsString("holds images"))
                .body("detail", containsString("tabular project"));
        assertEquals(0, Api.datasetCount(p));
    }

    @Test
    void aTabularProjectRefusesImageArchivesAndIdx() {
        long p = tabularProject("rows only");
        byte[] zip = Fixtures.zip(Map.of("a/x.png", Fixtures.encode(Fixtures.grayImage(4, 4, 1), "png")));
        post(given().multiPart("archive", "a.zip", zip, "application/zip"), p, "train").statusCode(400)
                .body("error", containsString("holds table rows")).body("detail", containsString("'table'"));
        post(given().multiPart("images", "i.idx", Fixtures.idxImages(2, 2, 2), "application/octet-stream")
                .multiPart("labels", "l.idx", Fixtures.idxLabels(2, 2), "application/octet-stream"), p, "train")
                .statusCode(400).body("error", containsString("holds table rows"));
        assertEquals(0, Api.datasetCount(p));
    }

    @Test
    void theSampleEndpointsOfARowAnswerWithoutA500() {
        long p = tabularProject("row endpoints");
        post(table("x,y\n1,a\n2,b\n", "y"), p, "train").statusCode(201);
        String id = given().get("/api/projects/" + p + "/samples").then().extract().jsonPath().getString("items[0].id");
        String s = "/api/samples/" + id;
        given().get(s + "/image.png").then().statusCode(422).contentType(ContentType.JSON)
                .body("error", equalTo("Sample " + id + " is a table row: it has no image"))
                .body("detail", containsString("GET /api/samples/" + id));
        given().get(s + "/thumbnail.png").then().statusCode(422).body("error", containsString("table row"));
        given().get(s).then().statusCode(200).body("values.x", equalTo(1.0f));
        for (String path : List.of("/predictions", "/predictions?modelId=987654", "/saliency?modelId=987654",
                "/saliency.png?modelId=987654", "/reliance", "/annotations", "/reviews")) {
            given().get(s + path).then().statusCode(lessThan(500));
        }
    }
}
