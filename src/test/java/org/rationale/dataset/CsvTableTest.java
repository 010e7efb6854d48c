package org.rationale.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV reader on its own: type inference, the order of classes, and rows read only as far as a cell may go. */
class CsvTableTest {

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static CsvTable scan(Path file, String label) {
        return CsvTable.scan(file, file.getFileName().toString(), label, null, 1000, ImportProgress.NONE);
    }

    @Test
    void onlyPlainDecimalNumbersMakeANumericColumn() throws IOException {
        Path f = file("types.csv", "a,b,c,d,e,y\n"
                + "1,0x10,1.5d,Infinity,TRUE,p\n"
                + "-2.5e-3,0x11,2,-Infinity,false,q\n"
                + "+.5,3,3,4,True,p\n");
        List<TableColumn> columns = scan(f, "y").columns();
        assertEquals(List.of("a", "b", "c", "d", "e"), columns.stream().map(TableColumn::name).toList());
        assertEquals(List.of(TableColumn.Type.NUMERIC, TableColumn.Type.CATEGORICAL, TableColumn.Type.CATEGORICAL,
                TableColumn.Type.CATEGORICAL, TableColumn.Type.BOOLEAN), columns.stream().map(TableColumn::type).toList());
        assertEquals(List.of("0x10", "0x11", "3"), columns.get(1).categories());
    }

    @Test
    void rowsAreConvertedToTheirColumnsTypesWithSourcesAndClasses() throws IOException {
        Path f = file("rows.csv", "k,x,flag,y\nA7,1.25,true,10\nB8,-3,FALSE,9\nC9,4,false,10\n");
        CsvTable t = CsvTable.scan(f, "rows.csv", "y", "k", 1000, ImportProgress.NONE);
        // whole-number labels sort as numbers, not as text ("10" after "9")
        assertEquals(List.of("9", "10"), t.classNames());
        assertEquals(Map.of("9", 1L, "10", 2L), t.classCounts());
        List<CsvTable.Row> rows = new ArrayList<>();
        t.rows(rows::add);
        assertEquals(3, rows.size());
        assertEquals(new CsvTable.Row(2, 1, "id A7", Map.of("x", 1.25, "flag", true)), rows.get(0));
        assertEquals(new CsvTable.Row(3, 0, "id B8", Map.of("x", -3.0, "flag", false)), rows.get(1));
        assertEquals(List.of("x", "flag"), List.copyOf(rows.get(0).values().keySet()));
    }

    @Test
    void aQuoteThatNeverClosesIsRefusedWithoutReadingTheRestOfTheFileIntoOneCell() throws IOException {
        // 2 MB after an opening quote: the row is refused once it passes what its 3 cells may hold
        Path f = file("open.csv", "a,b,y\n1,\"" + "x".repeat(2_000_000) + ",p\n");
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> scan(f, "y"));
        assertEquals("Row 2 of open.csv is too long", e.getMessage());
        assertTrue(e.detail().contains("never closes"), e.detail());
    }

    @Test
    void aFileChangedBetweenTheCheckAndTheStoringIsRefused() throws IOException {
        Path f = file("moving.csv", "x,y\n1,a\n2,b\n");
        CsvTable t = scan(f, "y");
        Files.writeString(f, "x,y\n1,a\n3,b\n");
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> t.rows(r -> { }));
        assertEquals("moving.csv changed while it was imported", e.getMessage());
    }

    @Test
    void theHeaderIsReadAloneForChoosingColumns() throws IOException {
        Path f = file("h.csv", "\ufeffid, age ,diagnosis\r\n1,2,3\r\n");
        assertEquals(List.of("id", "age", "diagnosis"), CsvTable.headerOf(f, "h.csv"));
    }
}
