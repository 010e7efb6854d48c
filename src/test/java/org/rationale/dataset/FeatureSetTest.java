package org.rationale.dataset;

import org.junit.jupiter.api.Test;
import org.rationale.error.Invalid;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureSetTest {

    private static final List<TableColumn> COLUMNS = List.of(
            new TableColumn("radius_mean", TableColumn.Type.NUMERIC, null),
            new TableColumn("site", TableColumn.Type.CATEGORICAL, List.of("A", "B")),
            new TableColumn("smoker", TableColumn.Type.BOOLEAN, null));

    @Test
    void namesBecomeAMaskInColumnOrderAndBack() {
        byte[] mask = FeatureSet.mask(COLUMNS, List.of("smoker", "site"));
        assertArrayEquals(new byte[] {0, 1, 1}, mask);
        assertEquals(List.of("site", "smoker"), FeatureSet.of(COLUMNS, mask).features());
        assertTrue(FeatureSet.of(COLUMNS, new byte[3]).isEmpty());
    }

    @Test
    void aMaskLinesUpWithAModelsFeatureOrderByName() {
        byte[] mask = {0, 1, 0};
        assertArrayEquals(new byte[] {0, 0, 1, 0}, FeatureSet.inOrder(COLUMNS, mask, List.of("smoker", "radius_mean", "site", "age")));
    }

    @Test
    void refusesUnknownRepeatedBlankAndMissingNames() {
        Invalid unknown = assertThrows(Invalid.class, () -> FeatureSet.mask(COLUMNS, List.of("hospital")));
        assertTrue(unknown.getMessage().contains("hospital") || unknown.detail().contains("hospital"), unknown.detail());
        assertThrows(Invalid.class, () -> FeatureSet.mask(COLUMNS, List.of("site", "site")));
        assertThrows(Invalid.class, () -> FeatureSet.mask(COLUMNS, Arrays.asList("site", null)));
        assertThrows(Invalid.class, () -> FeatureSet.mask(COLUMNS, List.of(" ")));
        assertThrows(Invalid.class, () -> FeatureSet.mask(COLUMNS, null));
        String[] many = new String[FeatureSet.MOST_NAMES + 1];
        Arrays.fill(many, "site");
        assertThrows(Invalid.class, () -> FeatureSet.mask(COLUMNS, Arrays.asList(many)));
    }
}
