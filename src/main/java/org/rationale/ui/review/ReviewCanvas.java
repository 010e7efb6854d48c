package org.rationale.ui.review;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.DomEvent;
import com.vaadin.flow.component.EventData;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.dom.PropertyChangeListener;
import com.vaadin.flow.shared.Registration;
import org.rationale.saliency.MapRendering;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The review canvas: one sample with its saliency map laid over it, on which an expert judges the map
 * and paints the pixels that should matter for the decision (relevant) and those that must not
 * (shortcut). Server side of {@code <rationale-review-canvas>}: the browser colours and normalises the
 * map (as {@link MapRendering} describes, from the same file) and keeps the masks while painting, and
 * reports them after each stroke, so painting costs no round trip per pointer move.
 *
 * <p>The image keeps its own pixels; the map, computed at the model's resolution, is drawn over its
 * {@linkplain #setMapFrame map frame} (the whole image unless set). Masks are one byte per image
 * pixel, 0 or 1, row by row, sent as base64 ({@link #encodeMask}, {@link #decodeMask}). A new sample
 * key clears them on the client; call {@link #setMasks} after {@link #setSample} to show stored ones.
 *
 * <p>The component carries its own controls below the image: zoom (buttons, wheel; pan by dragging
 * with no tool, with space held or with the middle button), map on/off, opacity, the colormap's legend
 * with its scale, and the brush size. What the expert changes there (map on/off, opacity, brush size) is
 * synchronised back, so the getters answer what the browser shows.
 */
@Tag("rationale-review-canvas")
@JsModule("./review/rationale-review-canvas.ts")
public class ReviewCanvas extends Component implements HasSize, HasStyle {

    /** How saliency values are coloured; coolwarm is diverging, for signed display. */
    public enum Colormap { INFERNO, VIRIDIS, COOLWARM }

    /** Which part of a signed map is shown: max(v,0), max(-v,0), |v|, or v on a diverging scale. */
    public enum Sign { POSITIVE, NEGATIVE, ABSOLUTE, SIGNED }

    /** What a pointer does on the canvas; with {@code NONE} dragging pans the image (the hand). */
    public enum Tool { NONE, BRUSH, BOX, ERASE }

    /** The brush size the canvas starts with, in image pixels across: about a small patch of a 28×28 image. */
    public static final int DEFAULT_BRUSH_SIZE = 4;

    /** The largest brush, in image pixels across. */
    public static final int MAX_BRUSH_SIZE = 128;

    /** The largest viewport side, in CSS pixels. */
    public static final int MAX_DISPLAY_SIZE = 4096;

    /**
     * A rectangle in image pixels over which a map's full extent lies (the map's pixel (0, 0) has its
     * top-left corner at (x, y), its far corner lies at (x + width, y + height)).
     */
    public record MapFrame(double x, double y, double width, double height) {

        /** Checks the rectangle: finite, with a positive width and height. */
        public MapFrame {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException("map frame corner must be finite, was (" + x + ", " + y + ")");
            }
            if (!(width > 0 && height > 0 && Double.isFinite(width) && Double.isFinite(height))) {
                throw new IllegalArgumentException(
                        "map frame width and height must be positive, were " + width + " and " + height);
            }
        }
    }

    /** What painting writes: pixels that should matter, or pixels that must not. */
    public enum MaskKind { RELEVANT, SHORTCUT }

    /** Starts as PNG overlays and report thumbnails draw a map ({@link MapRendering#REVIEW}). */
    public ReviewCanvas() {
        setOpacity(MapRendering.REVIEW.opacity());
        setColormap(Colormap.valueOf(MapRendering.REVIEW.colormap().name()));
        setSign(Sign.valueOf(MapRendering.REVIEW.sign().name()));
        setTool(Tool.NONE);
        setBrushSize(DEFAULT_BRUSH_SIZE);
        setMaskKind(MaskKind.RELEVANT);
        setShowMasks(true);
        setDisplaySize(448);
        setMapVisible(true);
        resetMapFrame();
        PropertyChangeListener synced = e -> { };
        getElement().addPropertyChangeListener("mapVisible", "map-visible-changed", synced);
        getElement().addPropertyChangeListener("opacity", "opacity-changed", synced);
        getElement().addPropertyChangeListener("brushSize", "brush-size-changed", synced);
    }

    /**
     * Shows a sample: its image, its map (base64 of little-endian half floats, channels × height ×
     * width; null or empty for none) and the key that {@code rendered} reports and that clears the masks.
     * The map frame goes back to the whole image: call {@link #setMapFrame} afterwards for a map that
     * covers another rectangle.
     */
    public void setSample(String sampleKey, String imageSrc, String mapBase64, int width, int height, int channels) {
        resetMapFrame();
        setSampleKey(sampleKey);
        setImageSrc(imageSrc);
        setMapData(mapBase64);
        setMapWidth(width);
        setMapHeight(height);
        setMapChannels(channels);
    }

    public void setSampleKey(String sampleKey) {
        getElement().setProperty("sampleKey", orEmpty(sampleKey));
    }

    public String getSampleKey() {
        return getElement().getProperty("sampleKey", "");
    }

    /** A URL or data: URL of the image, gray or RGB. */
    public void setImageSrc(String imageSrc) {
        getElement().setProperty("imageSrc", orEmpty(imageSrc));
    }

    public String getImageSrc() {
        return getElement().getProperty("imageSrc", "");
    }

    /** Base64 of little-endian half floats, channels × height × width; null or empty for no map. */
    public void setMapData(String mapBase64) {
        getElement().setProperty("mapData", orEmpty(mapBase64));
    }

    public String getMapData() {
        return getElement().getProperty("mapData", "");
    }

    public void setMapWidth(int width) {
        getElement().setProperty("mapWidth", width);
    }

    public int getMapWidth() {
        return getElement().getProperty("mapWidth", 0);
    }

    public void setMapHeight(int height) {
        getElement().setProperty("mapHeight", height);
    }

    public int getMapHeight() {
        return getElement().getProperty("mapHeight", 0);
    }

    /** Channels of the map; the canvas sums them per pixel. */
    public void setMapChannels(int channels) {
        getElement().setProperty("mapChannels", channels);
    }

    public int getMapChannels() {
        return getElement().getProperty("mapChannels", 1);
    }

    /**
     * Where the map lies on the image: the rectangle, in image pixels, over which its full extent is
     * drawn (scaled, smoothly where its pixels are not the image's). Outside the rectangle, and outside
     * the image, no map is drawn. For a model that centre-crops a 451×300 image to 224×224 this is
     * (75.5, 0, 300, 300); for one that stretches it, the whole image; for one that pads it,
     * (0, -75.5, 451, 451).
     */
    public void setMapFrame(double x, double y, double width, double height) {
        MapFrame frame = new MapFrame(x, y, width, height);
        getElement().setProperty("mapFrameX", frame.x());
        getElement().setProperty("mapFrameY", frame.y());
        getElement().setProperty("mapFrameWidth", frame.width());
        getElement().setProperty("mapFrameHeight", frame.height());
    }

    /** Lays the map over the whole image again (the default). */
    public void resetMapFrame() {
        getElement().setProperty("mapFrameX", 0.0);
        getElement().setProperty("mapFrameY", 0.0);
        getElement().setProperty("mapFrameWidth", 0.0);
        getElement().setProperty("mapFrameHeight", 0.0);
    }

    /** The map frame set with {@link #setMapFrame}; empty when the map covers the whole image. */
    public Optional<MapFrame> getMapFrame() {
        double width = getElement().getProperty("mapFrameWidth", 0.0);
        double height = getElement().getProperty("mapFrameHeight", 0.0);
        if (!(width > 0 && height > 0)) {
            return Optional.empty();
        }
        return Optional.of(new MapFrame(getElement().getProperty("mapFrameX", 0.0),
                getElement().getProperty("mapFrameY", 0.0), width, height));
    }

    /** Shows or hides the map (the image and masks stay); the canvas's own "Map" box does the same. */
    public void setMapVisible(boolean visible) {
        getElement().setProperty("mapVisible", visible);
    }

    /** Whether the map is shown, as last set here or by the expert on the canvas. */
    public boolean isMapVisible() {
        return getElement().getProperty("mapVisible", true);
    }

    /** Called when the expert shows or hides the map on the canvas itself. */
    public Registration addMapVisibleChangeListener(PropertyChangeListener listener) {
        return getElement().addPropertyChangeListener("mapVisible", listener);
    }

    /** Shows the whole image. */
    public void zoomToFit() {
        getElement().callJsFunction("zoomToFit");
    }

    /** Shows one image pixel per CSS pixel, about the centre. */
    public void zoomToActualSize() {
        getElement().callJsFunction("zoomToActualSize");
    }

    /** Opacity of the map where its normalised value is 1, from 0 to 1. */
    public void setOpacity(double opacity) {
        if (!(opacity >= 0 && opacity <= 1)) {
            throw new IllegalArgumentException("opacity must be within [0, 1], was " + opacity);
        }
        getElement().setProperty("opacity", opacity);
    }

    public double getOpacity() {
        return getElement().getProperty("opacity", 0.6);
    }

    public void setColormap(Colormap colormap) {
        getElement().setProperty("colormap", clientName(colormap));
    }

    public Colormap getColormap() {
        return Colormap.valueOf(getElement().getProperty("colormap", "inferno").toUpperCase(Locale.ROOT));
    }

    public void setSign(Sign sign) {
        getElement().setProperty("sign", clientName(sign));
    }

    public Sign getSign() {
        return Sign.valueOf(getElement().getProperty("sign", "absolute").toUpperCase(Locale.ROOT));
    }

    public void setTool(Tool tool) {
        getElement().setProperty("tool", clientName(tool));
    }

    public Tool getTool() {
        return Tool.valueOf(getElement().getProperty("tool", "none").toUpperCase(Locale.ROOT));
    }

    /**
     * Size of the brush and the eraser across, in image pixels (from 1 to {@link #MAX_BRUSH_SIZE}; the
     * canvas keeps it below half the image's shorter side); sizes outside are taken as the nearest end.
     * Size 4 paints 12 pixels of a 4×4 patch when put on its centre; it stays in image pixels at every zoom.
     */
    public void setBrushSize(int pixels) {
        getElement().setProperty("brushSize", Math.max(1, Math.min(MAX_BRUSH_SIZE, pixels)));
    }

    /** The brush size across in image pixels, as last set here or by the expert on the canvas. */
    public int getBrushSize() {
        return (int) Math.round(getElement().getProperty("brushSize", (double) DEFAULT_BRUSH_SIZE));
    }

    public void setMaskKind(MaskKind kind) {
        getElement().setProperty("maskKind", clientName(kind));
    }

    public MaskKind getMaskKind() {
        return MaskKind.valueOf(getElement().getProperty("maskKind", "relevant").toUpperCase(Locale.ROOT));
    }

    public void setShowMasks(boolean show) {
        getElement().setProperty("showMasks", show);
    }

    public boolean isShowMasks() {
        return getElement().getProperty("showMasks", true);
    }

    /** CSS pixels of the viewport's longer side on screen (the image at "Fit"; zoom works within it). */
    public void setDisplaySize(int cssPixels) {
        if (cssPixels <= 0 || cssPixels > MAX_DISPLAY_SIZE) {
            throw new IllegalArgumentException(
                    "display size must be 1 to " + MAX_DISPLAY_SIZE + " CSS pixels, was " + cssPixels);
        }
        getElement().setProperty("displaySize", cssPixels);
    }

    public int getDisplaySize() {
        return getElement().getProperty("displaySize", 448);
    }

    /**
     * Shows or hides the controls below the image (map on/off, opacity, legend, zoom, brush); a second
     * canvas shown beside the first may do without. Zoom by wheel and panning work either way.
     */
    public void setControlsVisible(boolean visible) {
        getElement().setProperty("showControls", visible);
    }

    public boolean isControlsVisible() {
        return getElement().getProperty("showControls", true);
    }

    /** A word over the image's top-left corner saying what it shows (the method, side by side); null or empty for none. */
    public void setCaption(String caption) {
        getElement().setProperty("caption", orEmpty(caption));
    }

    public String getCaption() {
        return getElement().getProperty("caption", "");
    }

    /** Clears both masks in the browser, which then fires a {@link MasksChangedEvent}. */
    public void clearMasks() {
        getElement().callJsFunction("clearMasks");
    }

    /** Shows stored masks (one byte a pixel, 0/1; null or empty for none) without firing an event. */
    public void setMasks(byte[] relevant, byte[] shortcut) {
        setMasks(encodeMask(relevant), encodeMask(shortcut));
    }

    /** As {@link #setMasks(byte[], byte[])}, with the masks already in base64. */
    public void setMasks(String relevantBase64, String shortcutBase64) {
        getElement().callJsFunction("setMasks", orEmpty(relevantBase64), orEmpty(shortcutBase64));
    }

    /** Called after each stroke, box or erase that changed a mask, and after {@link #clearMasks()}. */
    public Registration addMasksChangedListener(ComponentEventListener<MasksChangedEvent> listener) {
        return addListener(MasksChangedEvent.class, listener);
    }

    /** A mask from its base64 form: one byte a pixel; empty for null or empty. */
    public static byte[] decodeMask(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return new byte[0];
        }
        return Base64.getDecoder().decode(base64);
    }

    /** The base64 form of a mask of one byte a pixel; empty for null. */
    public static String encodeMask(byte[] mask) {
        if (mask == null || mask.length == 0) {
            return "";
        }
        return Base64.getEncoder().encodeToString(mask);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String clientName(Enum<?> value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The masks after the expert changed them: both in full (base64, one byte a pixel) with their
     * pixel counts, so the view can store them and show how much is marked.
     */
    @DomEvent("masks-changed")
    public static class MasksChangedEvent extends ComponentEvent<ReviewCanvas> {

        private final String relevant;
        private final String shortcut;
        private final int relevantPixels;
        private final int shortcutPixels;

        public MasksChangedEvent(ReviewCanvas source, boolean fromClient,
                                 @EventData("event.detail.relevant") String relevant,
                                 @EventData("event.detail.shortcut") String shortcut,
                                 @EventData("event.detail.relevantPixels") int relevantPixels,
                                 @EventData("event.detail.shortcutPixels") int shortcutPixels) {
            super(source, fromClient);
            this.relevant = orEmpty(relevant);
            this.shortcut = orEmpty(shortcut);
            this.relevantPixels = relevantPixels;
            this.shortcutPixels = shortcutPixels;
        }

        /** The relevant mask as base64. */
        public String getRelevant() {
            return relevant;
        }

        /** The shortcut mask as base64. */
        public String getShortcut() {
            return shortcut;
        }

        public int getRelevantPixels() {
            return relevantPixels;
        }

        public int getShortcutPixels() {
            return shortcutPixels;
        }

        public byte[] getRelevantMask() {
            return decodeMask(relevant);
        }

        public byte[] getShortcutMask() {
            return decodeMask(shortcut);
        }
    }
}
