package org.rationale.ui.review;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The review picture of a table row: its feature attributions as signed horizontal bars, one row a
 * feature, the largest |attribution| first (the first {@link #TOP}, or all of them on request). Each
 * row names the feature, the row's value and where it sits among the training rows, draws the bar
 * from a zero line (positive and negative in two colours) with its value printed, and carries a chip
 * under its name when the expert marked the feature ({@code relevant} or {@code shortcut}). A click on a row asks to
 * mark (or unmark) its feature; a shift-click to add it to the features marked.
 *
 * <p>Vaadin components, not a Lit element: the page's keyboard script finds the drawn sample by the
 * same id, property {@code sampleKey} and attribute {@code data-rendered-key} as on the image canvas,
 * and both are set together with the bars, so a key names the row that the bars show.
 */
class FeatureBars extends Div {

    /** Bars shown before "show all". */
    static final int TOP = 15;
    private static final String POSITIVE = "#c2410c";
    private static final String NEGATIVE = "#1d4ed8";

    /**
     * One feature's bar: its name, the row's value in words, where it sits among the training rows
     * (null: unknown), its attribution, and the kind it is marked as (null: none).
     */
    record Bar(String feature, String value, String standing, double attribution, String mark) {
    }

    private final Div legend = new Div();
    private final Div rows = new Div();
    private final Button all = new Button();
    private List<Bar> bars = List.of();
    private boolean showAll;
    private BiConsumer<String, Boolean> marks = (f, shift) -> { };

    FeatureBars() {
        addClassName("feature-bars");
        getStyle().set("width", "100%").set("min-width", "0").set("box-sizing", "border-box");
        legend.addClassName("feature-bars-legend");
        legend.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)")
                .set("margin-bottom", "var(--lumo-space-xs)").set("white-space", "pre-line");
        rows.addClassName("feature-bars-rows");
        rows.getStyle().set("display", "grid")
                .set("grid-template-columns", "minmax(6rem, 10rem) minmax(6rem, 10rem) minmax(8rem, 1fr) 4rem")
                .set("column-gap", "var(--lumo-space-s)").set("align-items", "center")
                .set("font-size", "var(--lumo-font-size-s)");
        all.setId("feature-bars-all");
        all.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        all.addClickListener(e -> {
            showAll = !showAll;
            render();
        });
        add(legend, rows, all);
    }

    /** Calls back with the feature and whether shift was held when its row is clicked. */
    void onMark(BiConsumer<String, Boolean> listener) {
        marks = listener;
    }

    /**
     * Shows a row's bars under a legend and names it drawn ({@code key}, as the canvas does); an
     * empty key and no bars clear the panel (nothing left to review).
     */
    void show(String key, String caption, List<Bar> sorted) {
        bars = List.copyOf(sorted);
        legend.setText(caption);
        getElement().setProperty("sampleKey", key);
        getElement().setAttribute("data-rendered-key", key);
        render();
    }

    /** The marks changed: the same bars with their chips redrawn. */
    void marked(List<Bar> withMarks) {
        bars = List.copyOf(withMarks);
        render();
    }

    private void render() {
        rows.removeAll();
        double largest = bars.stream().mapToDouble(b -> Math.abs(b.attribution())).max().orElse(0);
        List<Bar> shown = showAll ? bars : bars.subList(0, Math.min(TOP, bars.size()));
        for (Bar b : shown) {
            addRow(b, largest);
        }
        all.setVisible(bars.size() > TOP);
        all.setText(showAll ? "Show the top " + TOP : "Show all " + bars.size() + " features");
    }

    private void addRow(Bar b, double largest) {
        List<Div> cells = new ArrayList<>();
        Div name = new Div(new Span(b.feature()));
        name.addClassName("feature-name");
        name.getStyle().set("font-weight", "600").set("overflow", "hidden").set("text-overflow", "ellipsis")
                .set("white-space", "nowrap");
        name.setTitle(b.feature());
        if (b.mark() != null) {
            Span m = new Span(b.mark());
            m.addClassName("feature-mark");
            m.getElement().getThemeList().add(b.mark().equals("shortcut") ? "badge error small" : "badge success small");
            m.getStyle().set("display", "table").set("font-weight", "500");
            name.add(m);
        }
        cells.add(name);

        Div value = new Div();
        // a category's standing names it ("B — 48 % of training rows"): one line; a number's is a second line
        boolean named = b.standing() != null && b.standing().startsWith(b.value() + " — ");
        Span v = new Span(named ? b.standing() : b.value());
        v.addClassName("feature-value");
        value.add(v);
        if (b.standing() != null && !named) {
            Span standing = new Span(b.standing());
            standing.addClassName("feature-standing");
            standing.getStyle().set("display", "block").set("color", "var(--lumo-secondary-text-color)")
                    .set("font-size", "var(--lumo-font-size-xs)");
            value.add(standing);
        }
        value.getStyle().set("overflow", "hidden").set("line-height", "1.25");
        cells.add(value);

        Div track = new Div();
        track.addClassName("feature-track");
        track.getStyle().set("position", "relative").set("height", "1.1rem")
                .set("background", "var(--lumo-contrast-5pct)").set("border-radius", "2px");
        Div zero = new Div();
        zero.getStyle().set("position", "absolute").set("left", "50%").set("top", "-2px").set("bottom", "-2px")
                .set("border-left", "1px solid var(--lumo-contrast-60pct)");
        Div bar = new Div();
        bar.addClassName(b.attribution() >= 0 ? "feature-bar-positive" : "feature-bar-negative");
        double half = largest > 0 ? 50 * Math.abs(b.attribution()) / largest : 0;
        bar.getStyle().set("position", "absolute").set("top", "2px").set("bottom", "2px")
                .set("width", String.format(Locale.US, "%.2f%%", half))
                .set("background", b.attribution() >= 0 ? POSITIVE : NEGATIVE).set("border-radius", "2px");
        bar.getStyle().set(b.attribution() >= 0 ? "left" : "right", "50%");
        track.add(zero, bar);
        cells.add(track);

        Div number = new Div(new Span(signed(b.attribution())));
        number.addClassName("feature-attribution");
        number.getStyle().set("text-align", "end").set("font-variant-numeric", "tabular-nums")
                .set("color", b.attribution() >= 0 ? POSITIVE : NEGATIVE);
        cells.add(number);


        for (Div cell : cells) {
            cell.getElement().setAttribute("data-feature", b.feature());
            cell.getStyle().set("cursor", "pointer").set("padding", "3px 0")
                    .set("border-bottom", "1px solid var(--lumo-contrast-10pct)");
            if (b.mark() != null) {
                cell.getStyle().set("background", b.mark().equals("shortcut") ? "var(--lumo-error-color-10pct)"
                        : "var(--lumo-success-color-10pct)");
            }
            cell.getElement().addEventListener("click", e -> marks.accept(b.feature(),
                    e.getEventData().getBoolean("event.shiftKey"))).addEventData("event.shiftKey");
        }
        track.addClassName("feature-row");
        rows.add(cells.toArray(Div[]::new));
    }

    /** "+0.213", "−0.041": three significant digits at least, the sign always printed. */
    static String signed(double a) {
        String digits = Math.abs(a) >= 100 ? String.format(Locale.US, "%.0f", Math.abs(a))
                : Math.abs(a) >= 0.01 || a == 0 ? String.format(Locale.US, "%.3f", Math.abs(a))
                : String.format(Locale.US, "%.1e", Math.abs(a));
        return (a < 0 ? "−" : "+") + digits;
    }
}
