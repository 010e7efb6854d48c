package org.rationale.ui.review;

import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.internal.nodefeature.ElementListenerMap;
import com.vaadin.flow.shared.JsonConstants;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewCanvasTest {

    @Test
    void masksSurviveTheBase64RoundTrip() {
        byte[] mask = new byte[28 * 28];
        for (int i = 0; i < mask.length; i += 3) {
            mask[i] = 1;
        }
        String encoded = ReviewCanvas.encodeMask(mask);
        assertArrayEquals(mask, ReviewCanvas.decodeMask(encoded));
        assertEquals("AAEAAQ==", ReviewCanvas.encodeMask(new byte[] {0, 1, 0, 1}));
    }

    @Test
    void aCaptionNamesWhatThePictureShowsAndNoneIsEmpty() {
        ReviewCanvas canvas = new ReviewCanvas();
        assertEquals("", canvas.getCaption());
        canvas.setCaption("smoothgrad");
        assertEquals("smoothgrad", canvas.getElement().getProperty("caption"));
        canvas.setCaption(null);
        assertEquals("", canvas.getCaption());
    }

    @Test
    void emptyMasksAreEmptyStrings() {
        assertEquals("", ReviewCanvas.encodeMask(null));
        assertEquals("", ReviewCanvas.encodeMask(new byte[0]));
        assertEquals(0, ReviewCanvas.decodeMask(null).length);
        assertEquals(0, ReviewCanvas.decodeMask("").length);
    }

    @Test
    void setSampleSetsEveryElementProperty() {
        ReviewCanvas canvas = new ReviewCanvas();
        canvas.setSample("project-1/sample-7/model-2/saliency", "data:image/png;base64,iVBO", "AAA8", 28, 28, 3);

        assertEquals("project-1/sample-7/model-2/saliency", canvas.getElement().getProperty("sampleKey"));
        assertEquals("data:image/png;base64,iVBO", canvas.getElement().getProperty("imageSrc"));
        assertEquals("AAA8", canvas.getElement().getProperty("mapData"));
        assertEquals(28, canvas.getElement().getProperty("mapWidth", 0));
        assertEquals(28, canvas.getElement().getProperty("mapHeight", 0));
        assertEquals(3, canvas.getElement().getProperty("mapChannels", 0));
        assertEquals(28, canvas.getMapWidth());
        assertEquals(3, canvas.getMapChannels());
    }

    @Test
    void aSampleWithoutAMapSendsAnEmptyMap() {
        ReviewCanvas canvas = new ReviewCanvas();
        canvas.setSample("s", "/img.png", null, 0, 0, 1);
        assertEquals("", canvas.getElement().getProperty("mapData"));
    }

    @Test
    void displayPropertiesUseTheClientNames() {
        ReviewCanvas canvas = new ReviewCanvas();
        assertEquals("inferno", canvas.getElement().getProperty("colormap"));
        assertEquals("absolute", canvas.getElement().getProperty("sign"));
        assertEquals("none", canvas.getElement().getProperty("tool"));
        assertEquals("relevant", canvas.getElement().getProperty("maskKind"));
        assertEquals(0.6, canvas.getElement().getProperty("opacity", 0.0));
        assertEquals(448, canvas.getElement().getProperty("displaySize", 0));

        canvas.setColormap(ReviewCanvas.Colormap.COOLWARM);
        canvas.setSign(ReviewCanvas.Sign.SIGNED);
        canvas.setTool(ReviewCanvas.Tool.BOX);
        canvas.setMaskKind(ReviewCanvas.MaskKind.SHORTCUT);
        canvas.setOpacity(0.25);
        canvas.setBrushSize(7);
        canvas.setShowMasks(false);
        canvas.setDisplaySize(512);

        assertEquals("coolwarm", canvas.getElement().getProperty("colormap"));
        assertEquals("signed", canvas.getElement().getProperty("sign"));
        assertEquals("box", canvas.getElement().getProperty("tool"));
        assertEquals("shortcut", canvas.getElement().getProperty("maskKind"));
        assertEquals(0.25, canvas.getElement().getProperty("opacity", 0.0));
        assertEquals(7, canvas.getBrushSize());
        assertEquals(false, canvas.getElement().getProperty("showMasks", true));
        assertEquals(512, canvas.getElement().getProperty("displaySize", 0));
        assertSame(ReviewCanvas.Colormap.COOLWARM, canvas.getColormap());
        assertSame(ReviewCanvas.Sign.SIGNED, canvas.getSign());
        assertSame(ReviewCanvas.Tool.BOX, canvas.getTool());
        assertSame(ReviewCanvas.MaskKind.SHORTCUT, canvas.getMaskKind());
    }

    @Test
    void outOfRangeSettingsAreRejected() {
        ReviewCanvas canvas = new ReviewCanvas();
        assertThrows(IllegalArgumentException.class, () -> canvas.setOpacity(1.5));
        assertThrows(IllegalArgumentException.class, () -> canvas.setOpacity(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> canvas.setDisplaySize(0));
        assertThrows(IllegalArgumentException.class, () -> canvas.setDisplaySize(100_000));
        assertThrows(IllegalArgumentException.class, () -> canvas.setMapFrame(0, 0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> canvas.setMapFrame(0, 0, 10, -1));
        assertThrows(IllegalArgumentException.class, () -> canvas.setMapFrame(Double.NaN, 0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> canvas.setMapFrame(0, 0, Double.POSITIVE_INFINITY, 10));
        assertThrows(IllegalArgumentException.class, () -> canvas.setTool(null));
    }

    @Test
    void theEventCarriesTheMasksAndTheirCounts() {
        ReviewCanvas canvas = new ReviewCanvas();
        String relevant = ReviewCanvas.encodeMask(new byte[] {1, 1, 0, 0});
        String shortcut = ReviewCanvas.encodeMask(new byte[] {0, 0, 1, 0});
        ReviewCanvas.MasksChangedEvent event = new ReviewCanvas.MasksChangedEvent(canvas, true, relevant, shortcut, 2, 1);

        assertSame(canvas, event.getSource());
        assertTrue(event.isFromClient());
        assertEquals(relevant, event.getRelevant());
        assertEquals(shortcut, event.getShortcut());
        assertEquals(2, event.getRelevantPixels());
        assertEquals(1, event.getShortcutPixels());
        assertArrayEquals(new byte[] {1, 1, 0, 0}, event.getRelevantMask());
        assertArrayEquals(new byte[] {0, 0, 1, 0}, event.getShortcutMask());
    }

    @Test
    void listenersHearTheDomEventWithItsDetail() {
        ReviewCanvas canvas = new ReviewCanvas();
        List<ReviewCanvas.MasksChangedEvent> heard = new ArrayList<>();
        canvas.addMasksChangedListener(heard::add);

        ElementListenerMap listeners = canvas.getElement().getNode().getFeature(ElementListenerMap.class);
        assertTrue(listeners.getExpressions("masks-changed").containsAll(List.of(
                "event.detail.relevant", "event.detail.shortcut",
                "event.detail.relevantPixels", "event.detail.shortcutPixels")));

        ReviewCanvas.MasksChangedEvent event = new ReviewCanvas.MasksChangedEvent(canvas, true, "AQ==", "", 1, 0);
        ComponentUtil.fireEvent(canvas, event);
        assertEquals(List.of(event), heard);
    }

    @Test
    void brushSizesAreWholeImagePixelsFromOneToTheLargestAndStartAtFour() {
        ReviewCanvas canvas = new ReviewCanvas();
        assertEquals(4, canvas.getBrushSize());
        canvas.setBrushSize(0);
        assertEquals(1, canvas.getBrushSize());
        canvas.setBrushSize(10_000);
        assertEquals(ReviewCanvas.MAX_BRUSH_SIZE, canvas.getBrushSize());
    }

    @Test
    void theMapFrameIsTheWholeImageUntilSetAndAgainForTheNextSample() {
        ReviewCanvas canvas = new ReviewCanvas();
        assertEquals(Optional.empty(), canvas.getMapFrame());
        canvas.setMapFrame(75.5, 0, 300, 300);
        assertEquals(Optional.of(new ReviewCanvas.MapFrame(75.5, 0, 300, 300)), canvas.getMapFrame());
        assertEquals(75.5, canvas.getElement().getProperty("mapFrameX", 0.0));
        assertEquals(300.0, canvas.getElement().getProperty("mapFrameWidth", 0.0));

        canvas.setSample("next", "/img.png", "AAA8", 224, 224, 1);
        assertEquals(Optional.empty(), canvas.getMapFrame());
        assertEquals(0.0, canvas.getElement().getProperty("mapFrameWidth", -1.0));
    }

    @Test
    void theMapIsShownUntilHiddenAndWhatTheBrowserChangesIsSynchronisedBack() {
        ReviewCanvas canvas = new ReviewCanvas();
        assertTrue(canvas.isMapVisible());
        canvas.setMapVisible(false);
        assertFalse(canvas.isMapVisible());
        assertEquals(false, canvas.getElement().getProperty("mapVisible", true));

        ElementListenerMap listeners = canvas.getElement().getNode().getFeature(ElementListenerMap.class);
        String sync = JsonConstants.SYNCHRONIZE_PROPERTY_TOKEN;
        assertTrue(listeners.getExpressions("map-visible-changed").contains(sync + "mapVisible"),
                () -> listeners.getExpressions("map-visible-changed").toString());
        assertTrue(listeners.getExpressions("opacity-changed").contains(sync + "opacity"));
        assertTrue(listeners.getExpressions("brush-size-changed").contains(sync + "brushSize"));
    }
}
