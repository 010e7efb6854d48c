package org.rationale.ui.review;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.NativeButton;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.frontend.BundleUtils;
import org.rationale.saliency.MapEncoding;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A page, in tests only, with one review canvas on an image of a real size: a mid-grey 512×384 image
 * whose 224×224 map (hot on map pixels 100–123 in both directions and on the left edge's pixels 0–11 of
 * those rows, elsewhere a faint ramp) lies on its centre crop (64, 0, 384, 384); {@code ?map=zero} or {@code ?map=constant} for maps without signal;
 * {@code ?photo=chelsea} for the scikit-image photograph of a cat (451×300) with a map on its eyes and
 * nose, for the documentation's screenshot.
 */
@Route("test/review-canvas")
@AnonymousAllowed
public class ReviewCanvasPage extends Div implements BeforeEnterObserver {

    /** The scikit-image sample photographs shipped by Debian's python3-skimage. */
    static final Path SKIMAGE_DATA = Path.of("/usr/lib/python3/dist-packages/skimage/data");

    private final ReviewCanvas canvas = new ReviewCanvas();
    private final Span visible = new Span();
    private final Div testControls = new Div();

    /** The canvas with a brush painting shortcuts, and a button that toggles the map from the server. */
    public ReviewCanvasPage() {
        canvas.setId("canvas");
        canvas.setTool(ReviewCanvas.Tool.BRUSH);
        canvas.setMaskKind(ReviewCanvas.MaskKind.SHORTCUT);
        visible.setId("visible-state");
        canvas.addMapVisibleChangeListener(e -> showVisible());
        NativeButton toggle = new NativeButton("Toggle the map from the server", e -> {
            canvas.setMapVisible(!canvas.isMapVisible());
            showVisible();
        });
        toggle.setId("toggle-from-server");
        showVisible();
        // what goes wrong in the page is kept for the test's message
        getElement().executeJs("window.__canvasErrors = window.__canvasErrors || [];"
                + "window.addEventListener('error', e => window.__canvasErrors.push(String(e.message)));"
                + "window.addEventListener('unhandledrejection', e => window.__canvasErrors.push(String(e.reason)));");
        // the production bundle loads the canvas's module with the review page's chunk; this page is not in it
        getElement().executeJs("return window.Vaadin.Flow.loadOnDemand($0);", BundleUtils.getChunkId(ReviewView.class));
        getStyle().set("padding", "16px");
        testControls.add(toggle, visible);
        add(canvas, testControls);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        List<String> map = event.getLocation().getQueryParameters().getParameters().getOrDefault("map", List.of("hot"));
        boolean photo = event.getLocation().getQueryParameters().getParameters().containsKey("photo");
        if (photo) {
            showPhotograph();
            return;
        }
        float[] values = new float[224 * 224];
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                values[y * 224 + x] = switch (map.get(0)) {
                    case "zero" -> 0f;
                    case "constant" -> 0.25f;
                    default -> (x >= 100 && x < 124 || x < 12) && y >= 100 && y < 124 ? 1f : 0.0001f * x;
                };
            }
        }
        BufferedImage grey = new BufferedImage(512, 384, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 384; y++) {
            for (int x = 0; x < 512; x++) {
                grey.setRGB(x, y, 0x808080);
            }
        }
        canvas.setSample("grey-" + map.get(0), png(grey), Base64.getEncoder().encodeToString(MapEncoding.encode(values)),
                224, 224, 1);
        canvas.setMapFrame(64, 0, 384, 384);
    }

    /** The cat, centre-cropped to the map's 224×224: the map is hot on its eyes and nose. */
    private void showPhotograph() {
        testControls.setVisible(false);
        getElement().insertChild(0, new H2("Review canvas: a 451×300 photograph, its 224×224 map on the centre crop").getElement(),
                new Paragraph("Left: zoomed in about the eye with the wheel; a relevant stroke painted with the "
                        + "4-pixel brush, the dashed circle is the 6-pixel brush under the pointer. Right: the same "
                        + "sample at Fit. The map (computed at the model's 224×224) lies over the centre 300×300 "
                        + "of the image only, smoothly resampled; masks are in the image's own pixels.").getElement());
        float[] values = new float[224 * 224];
        double scale = 224.0 / 300.0;
        double[][] spots = {{170, 115, 1.0}, {320, 135, 0.8}, {262, 245, 0.6}};
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                double v = 0;
                for (double[] s : spots) {
                    double dx = x - (s[0] - 75.5) * scale;
                    double dy = y - s[1] * scale;
                    v += s[2] * Math.exp(-(dx * dx + dy * dy) / (2 * 14 * 14));
                }
                values[y * 224 + x] = (float) v;
            }
        }
        try {
            String src = "data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(SKIMAGE_DATA.resolve("chelsea.png")));
            String map = Base64.getEncoder().encodeToString(MapEncoding.encode(values));
            canvas.setDisplaySize(640);
            canvas.setSample("chelsea", src, map, 224, 224, 1);
            canvas.setMapFrame(75.5, 0, 300, 300);
            ReviewCanvas overview = new ReviewCanvas();
            overview.setId("overview");
            overview.setDisplaySize(540);
            overview.setControlsVisible(false);
            overview.setSample("chelsea-overview", src, map, 224, 224, 1);
            overview.setMapFrame(75.5, 0, 300, 300);
            overview.getStyle().set("margin-left", "24px").set("vertical-align", "top");
            canvas.getStyle().set("vertical-align", "top");
            getElement().insertChild(getElement().indexOfChild(canvas.getElement()) + 1, overview.getElement());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void showVisible() {
        visible.setText("map visible: " + canvas.isMapVisible());
    }

    private static String png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
