package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.rationale.dataset.TableColumn;
import org.rationale.error.Invalid;
import org.rationale.error.Unprocessable;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A row's values as a tabular model's input, computed by hand: one-hot, 0/1, then (v − mean) / std. */
class TableEncodingTest {

    static final List<TableColumn> COLUMNS = List.of(
            new TableColumn("age", TableColumn.Type.NUMERIC, null),
            new TableColumn("income", TableColumn.Type.NUMERIC, null),
            new TableColumn("smoker", TableColumn.Type.BOOLEAN, null),
            new TableColumn("site", TableColumn.Type.CATEGORICAL, List.of("A", "B", "C")));

    private static TableEncoding encoding() {
        return TableEncoding.of(TabularSpec.parse(TabularSpecTest.GOOD), COLUMNS, "clinic");
    }

    @Test
    void aRowIsOneHotEncodedThenStandardisedColumnByColumn() {
        float[] x = encoding().encode(1, Map.of("age", 63.0, "income", 41000.0, "smoker", true, "site", "B"));
        // age (63 − 50) / 10; site=A (0 − 0.3) / 0.5; site=B (1 − 0.4) / 0.5; smoker (1 − 0.5) / 0.5; income (41000 − 30000) / 10000
        assertArrayEquals(new float[] {1.3f, -0.6f, 1.2f, 1.0f, 1.1f}, x, 1e-6f);
        float[] y = encoding().encode(2, Map.of("age", 35.0, "income", 22000.0, "smoker", false, "site", "A"));
        assertArrayEquals(new float[] {-1.5f, 1.4f, -0.8f, -1.0f, -0.8f}, y, 1e-6f);
    }

    @Test
    void aCategoryTheSpecHasNoColumnForIsZeroInEveryOneHotColumnOfItsColumn() {
        float[] x = encoding().encode(3, Map.of("age", 50.0, "income", 30000.0, "smoker", false, "site", "C"));
        // site=A and site=B both 0 before standardisation
        assertArrayEquals(new float[] {0f, -0.6f, -0.8f, -1.0f, 0f}, x, 1e-6f);
    }

    @Test
    void aCategoricalColumnsOneHotColumnsAreOneFeatureNamedByTheColumn() {
        TableEncoding e = encoding();
        assertEquals(List.of("age", "site", "smoker", "income"), e.features());
        assertArrayEquals(new int[] {0, 1, 1, 2, 3}, e.featureOfColumn());
        assertArrayEquals(new float[] {1f, 5f, 4f, 8f}, e.perFeature(new float[] {1f, 2f, 3f, 4f, 8f}));
        assertEquals(5, e.width());
    }

    @Test
    void featuresNotAmongTheColumnsAreRefusedByName() {
        String spec = TabularSpecTest.GOOD.replace("\"age\", \"site=A\"", "\"height\", \"site=D\"").replace("\"smoker\", \"income\"",
                "\"site\", \"income\"");
        Invalid e = assertThrows(Invalid.class, () -> TableEncoding.of(TabularSpec.parse(spec), COLUMNS, "clinic"));
        assertEquals("Features not in the project's tables", e.error());
        assertTrue(e.detail().startsWith("3 features of the spec are not among the columns of project 'clinic'"),
                e.detail());
        assertTrue(e.detail().contains("'height' is not a column"), e.detail());
        assertTrue(e.detail().contains("'site=D': column site has no category 'D' (its one-hot columns: site=A, site=B, "
                + "site=C)"), e.detail());
        assertTrue(e.detail().contains("'site' is categorical: name its one-hot columns site=A, site=B, site=C"),
                e.detail());
        assertTrue(e.detail().contains("the columns are age (numeric), income (numeric), smoker (boolean), site "
                + "(categorical)"), e.detail());
    }

    @Test
    void aProjectWithoutATableIsToldToImportOneFirst() {
        Invalid e = assertThrows(Invalid.class,
                () -> TableEncoding.of(TabularSpec.parse(TabularSpecTest.GOOD), List.of(), "empty"));
        assertTrue(e.detail().contains("Project 'empty' has no table yet: import a CSV first"), e.detail());
    }

    @Test
    void aStandardisedValueBeyondFloatIsRefusedNamingTheInputInsteadOfFeedingTheModelInfinity() {
        // std 1e-300 passes as positive; (63 − 50) / 1e-300 is a finite double but no float32
        String tiny = TabularSpecTest.GOOD.replace("\"std\": [10,", "\"std\": [1e-300,");
        TableEncoding e = TableEncoding.of(TabularSpec.parse(tiny), COLUMNS, "clinic");
        Unprocessable u = assertThrows(Unprocessable.class,
                () -> e.encode(9, Map.of("age", 63.0, "income", 41000.0, "smoker", true, "site", "B")));
        assertEquals("Row beyond the model's input range", u.error());
        assertTrue(u.detail().startsWith("Sample 9: input 'age' of model 'mlp' is (63.0 − 50.0) / 1.0E-300"), u.detail());
        // the same spec encodes a row whose age is the mean: 0 / 1e-300 is 0
        assertEquals(0f, e.encode(10, Map.of("age", 50.0, "income", 41000.0, "smoker", true, "site", "B"))[0]);
    }

    @Test
    void aRowWithoutAColumnOrWithAValueOfAnotherTypeIsRefusedNamingSampleAndColumn() {
        Unprocessable missing = assertThrows(Unprocessable.class,
                () -> encoding().encode(7, Map.of("age", 1.0, "smoker", true, "site", "A")));
        assertTrue(missing.detail().contains("Sample 7 has no value of column 'income'"), missing.detail());
        Unprocessable typed = assertThrows(Unprocessable.class,
                () -> encoding().encode(8, Map.of("age", "old", "income", 1.0, "smoker", true, "site", "A")));
        assertTrue(typed.detail().contains("Sample 8 has 'old' in column 'age', which model 'mlp' reads as numeric"),
                typed.detail());
    }
}
