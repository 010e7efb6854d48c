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
import com.vaadin.flow.shared.Registration;
import org.rationale.saliency.MapRendering;

import java.util.Base64;
import java.util.Locale;

/**
 * The review canvas: one sample with its saliency map laid over it, on which an expert judges the map
 * and paints the pixels that should matter for the decision (relevant) and those that must not
 * (shortcut). Server side of {@code <rationale-review-canvas>}: the browser colours and normalises the
 * map (as {@link MapRendering} describes, from the same file) and keeps the masks while painting, and
 * reports them after each stroke, so painting costs no round trip per pointer move.
 *
 * <p>Masks are one byte per image pixel, 0 or 1, row by row, sent as base64 ({@link #encodeMask},
 * {@link #decodeMask}). A new sample key clears them on the client; call {@link #setMasks} after
 * {@link #setSample} to show stored ones.
 */
@Tag("rationale-review-canvas")
@JsModule("./review/rationale-review-canvas.ts")
public class ReviewCanvas extends Component implements HasSize, HasStyle {

    /** How saliency values are coloured; coolwarm is diverging, for signed display. */
    public enum Colormap { INFERNO, VIRIDIS, COOLWARM }

    /** Which part of a signed map is shown: max(v,0), max(-v,0), |v|, or v on a diverging scale. */
    public enum Sign { POSITIVE, NEGATIVE, ABSOLUTE, SIGNED }

    /** What a pointer does on the canvas. */
    public enum Tool { NONE, BRUSH, BOX, ERASE }

    /** What painting writes: pixels that should matter, or pixels that must not. */
    public enum MaskKind { RELEVANT, SHORTCUT }

    /** Starts as PNG overlays and report thumbnails draw a map ({@link MapRendering#REVIEW}). */
    public ReviewCanvas() {
        setOpacity(MapRendering.REVIEW.opacity());
        setColormap(Colormap.valueOf(MapRendering.REVIEW.colormap().name()));
        setSign(Sign.valueOf(MapRendering.REVIEW.sign().name()));
        setTool(Tool.NONE);
        setBrushSize(2);
        setMaskKind(MaskKind.RELEVANT);
        setShowMasks(true);
        setDisplaySize(448);
    }

    /**
     * Shows a sample: its image, its map (base64 of little-endian half floats, channels × height ×
     * width; null or empty for none) and the key that {@code rendered} reports and that clears the masks.
     */
    public void setSample(String sampleKey, String imageSrc, String mapBase64, int width, int height, int channels) {
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

    /** Radius of the brush and the eraser in image pixels. */
    public void setBrushSize(double radius) {
        if (!(radius >= 0)) {
            throw new IllegalArgumentException("brush size must not be negative, was " + radius);
        }
        getElement().setProperty("brushSize", radius);
    }

    public double getBrushSize() {
        return getElement().getProperty("brushSize", 2.0);
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

    /** Shows or hides the saliency map over the image (key H on the review page). */
    public void setMapVisible(boolean visible) {
        getElement().setProperty("mapHidden", !visible);
    }

    public boolean isMapVisible() {
        return !getElement().getProperty("mapHidden", false);
    }

    /** CSS pixels of the image's longer side on screen. */
    public void setDisplaySize(int cssPixels) {
        if (cssPixels <= 0) {
            throw new IllegalArgumentException("display size must be positive, was " + cssPixels);
        }
        getElement().setProperty("displaySize", cssPixels);
    }

    public int getDisplaySize() {
        return getElement().getProperty("displaySize", 448);
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
