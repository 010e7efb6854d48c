package org.rationale.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rationale.error.Invalid;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tabular model's spec as a client sends it: what is accepted, and each refusal naming its field. */
public class TabularSpecTest {

    public static final String GOOD = "{\"name\": \"mlp\", \"features\": [\"age\", \"site=A\", \"site=B\", \"smoker\", \"income\"], "
            + "\"classes\": [\"no\", \"yes\"], \"mean\": [50, 0.3, 0.4, 0.5, 30000], \"std\": [10, 0.5, 0.5, 0.5, 10000]}";

    @Test
    void aGoodSpecIsReadWithItsFeaturesInOrderAndAsAOneRowInputGrid() {
        TabularSpec s = TabularSpec.parse(GOOD);
        assertEquals("mlp", s.name());
        assertEquals(List.of("age", "site=A", "site=B", "smoker", "income"), s.features());
        assertEquals(List.of(50.0, 0.3, 0.4, 0.5, 30000.0), s.mean());
        InputSpec grid = s.asInput();
        assertEquals(List.of(1, 1, 5), List.of(grid.channels(), grid.height(), grid.width()));
        assertEquals(List.of("no", "yes"), grid.classes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "features empty|\"features\": [\"age\", \"site=A\", \"site=B\", \"smoker\", \"income\"]|\"features\": []|features is empty",
        "features duplicated|\"site=B\", \"smoker\"|\"site=B\", \"age\"|features lists 'age' more than once",
        "a blank feature|\"smoker\", \"income\"]|\"smoker\", \" \"]|features[4] is blank",
        "a feature not a name|\"smoker\", \"income\"]|\"smoker\", 7]|features[4] must be a name in quotes",
        "mean too short|[50, 0.3, 0.4, 0.5, 30000]|[50, 0.3, 0.4, 0.5]|mean has 4 values for 5 features",
        "std too long|[10, 0.5, 0.5, 0.5, 10000]|[10, 0.5, 0.5, 0.5, 10000, 1]|std has 6 values for 5 features",
        "mean infinite|[50, 0.3, 0.4|[1e999, 0.3, 0.4|mean[0] of 'age' is Infinity: it must be a finite number",
        "mean not a number|0.4, 0.5, 30000]|0.4, \"x\", 30000]|mean[3] must be a number",
        "std zero|[10, 0.5, 0.5|[10, 0, 0.5|std[1] of 'site=A' is 0.0: every std must be positive",
        "std negative|0.5, 10000]|0.5, -2]|std[4] of 'income' is -2.0",
        "classes empty|[\"no\", \"yes\"]|[]|classes needs at least two names",
        "classes repeated|[\"no\", \"yes\"]|[\"no\", \"no\"]|class names must be non-blank and unique",
        "name missing|\"name\": \"mlp\", |\"name\": \" \", |name is required",
        "image fields|\"name\": \"mlp\", |\"name\": \"mlp\", \"channels\": 1, \"height\": 1, |channels, height belong to an image model's spec",
        "unknown field|\"name\": \"mlp\", |\"name\": \"mlp\", \"bias\": 2, |Unknown field 'bias'",
        "not json|{\"name\"|{name|The spec is not valid JSON",
    })
    void eachBadSpecIsRefusedNamingItsField(String what, String from, String to, String expected) {
        String spec = GOOD.replace(from, to);
        assertTrue(!spec.equals(GOOD), "the case changes the spec: " + what);
        Invalid e = assertThrows(Invalid.class, () -> TabularSpec.parse(spec));
        assertTrue(e.detail().contains(expected), what + ": " + e.detail());
    }

    @Test
    void moreThanTenThousandFeaturesAreRefused() {
        String names = IntStream.range(0, 10_001).mapToObj(i -> "\"f" + i + "\"").collect(Collectors.joining(","));
        String numbers = IntStream.range(0, 10_001).mapToObj(i -> "1").collect(Collectors.joining(","));
        Invalid e = assertThrows(Invalid.class, () -> TabularSpec.parse("{\"name\": \"wide\", \"features\": [" + names
                + "], \"classes\": [\"no\", \"yes\"], \"mean\": [" + numbers + "], \"std\": [" + numbers + "]}"));
        assertTrue(e.detail().contains("features lists 10001 names; at most 10000 are allowed"), e.detail());
    }

    @Test
    void aNameWithAControlCharacterIsRefusedBeforeAnythingIsStored() {
        // stored, such a name made every later read of the version's spec fail (a 500 on the project's models)
        Invalid e = assertThrows(Invalid.class, () -> TabularSpec.parse(GOOD.replace("\"mlp\"", "\"m\\u0001lp\"")));
        assertEquals("name holds a control character; names may hold none", e.detail());
    }

    @Test
    void aStoredSpecWhoseOneHotColumnHoldsALineBreakIsReadBack() {
        // a CSV cell may hold a line break, so a category may, and a trained MLP names its one-hot columns after them
        ModelVersion v = new ModelVersion();
        v.id = 7L;
        v.spec = "{\"name\": \"mlp\", \"features\": [\"age\", \"site=two\\nlines\"], \"classes\": [\"no\", \"yes\"], "
                + "\"mean\": [50, 0.5], \"std\": [10, 0.5]}";
        TabularSpec s = (TabularSpec) ModelService.uploadedSpecOf(v);
        assertEquals(List.of("age", "site=two\nlines"), s.features());
        assertTrue(ModelService.isTabular(v));
    }

    @Test
    void aTabularSpecOnAnImagesProjectIsRefusedNamingFeatures() {
        Invalid e = assertThrows(Invalid.class, () -> ModelService.parseSpec(GOOD));
        assertTrue(e.detail().contains("features belongs to a tabular model's spec, but this project holds images"),
                e.detail());
    }
}
