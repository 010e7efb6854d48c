package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.imaging.ImageCodec;
import org.rationale.error.NotFound;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;

import java.util.Optional;

/**
 * Maps drawn over their sample's image as PNG, by {@link HeatmapRenderer}, for the API, the UI and
 * the reports. A map is on the model's grid; it is drawn in the image's own pixels through the
 * model's fit ({@link InputSpec#mapOnImage}), so it lies where the model looked, and the sides a
 * centre crop cut off stay uncoloured.
 */
@ApplicationScoped
public class MapOverlays {

    private final MapStore store;
    private final DatasetService datasets;
    private final ModelService models;

    MapOverlays(MapStore store, DatasetService datasets, ModelService models) {
        this.store = store;
        this.datasets = datasets;
        this.models = models;
    }

    /** The zoom at which the browser draws an h x w map: {@code wanted}, or less when that is too large; 0 when none fits. */
    public int zoom(int h, int w, int wanted) {
        return HeatmapRenderer.fittingZoom(h, w, wanted);
    }

    /** The zoom the API draws at when none is asked: 8, or the largest below it that fits. */
    public static final int DEFAULT_ZOOM = 8;

    /**
     * The map drawn over the image of its sample at this opacity and zoom (pixels per image pixel;
     * 0: {@link #DEFAULT_ZOOM} or the largest below it that fits). The size is checked on the sample's
     * stored size before the image is decoded, so a refusal costs nothing.
     */
    public byte[] overlayPng(SaliencyMap m, double opacity, int zoom) {
        Sample s = datasets.sample(m.sampleId()).orElseThrow(() -> NotFound.of("Sample " + m.sampleId()));
        int z = zoom > 0 ? zoom : HeatmapRenderer.fittingZoom(s.height, s.width, DEFAULT_ZOOM);
        if (z == 0 || HeatmapRenderer.fittingZoom(s.height, s.width, z) < z) {
            throw new OverlayTooLargeException(s.height, s.width, Math.max(z, 1));
        }
        byte[] png = datasets.image(m.sampleId());
        ImageCodec.Pixels px = ImageCodec.decodePng(png);
        int channels = m.shape().get(0);
        float[] onImage = onImage(m.modelId(), m.values(), channels, px);
        return HeatmapRenderer.overlayPng(px.data(), px.channels(), onImage, channels, px.height(), px.width(),
                opacity, z);
    }

    /** The longer side, in pixels, that a thumbnail grows to at most by zooming (a larger image is drawn at zoom 1). */
    static final int THUMBNAIL_SIDE = 256;

    /**
     * A stored map drawn over its image (PNG), for thumbnails, at {@code zoom} or less: no larger than
     * {@link #THUMBNAIL_SIDE} on its longer side by zooming, and within what
     * {@link HeatmapRenderer#MAX_OUTPUT_PIXELS} allows; empty when there is no such map or when it is
     * too large to draw at all.
     */
    public Optional<byte[]> overlayPng(long mapId, double opacity, int zoom) {
        Optional<MapStore.StoredValues> found = store.find(mapId);
        Optional<MapStore.MapOwner> owner = store.ownerOf(mapId);
        if (found.isEmpty() || owner.isEmpty()) {
            return Optional.empty();
        }
        MapStore.StoredValues r = found.get();
        Optional<Sample> sample = datasets.sample(r.sampleId());
        int fits = sample.map(s -> HeatmapRenderer.fittingZoom(s.height, s.width,
                Math.max(1, Math.min(zoom, THUMBNAIL_SIDE / Math.max(s.height, s.width))))).orElse(0);
        if (fits == 0) {
            return Optional.empty();
        }
        return datasets.imagePng(r.sampleId()).flatMap(png -> {
            ImageCodec.Pixels px = ImageCodec.decodePng(png);
            float[] values = MapEncoding.decode(r.encoding(), r.data(), r.width() * r.height() * r.channels());
            float[] onImage = onImage(owner.get().modelId(), values, r.channels(), px);
            return Optional.of(HeatmapRenderer.overlayPng(px.data(), px.channels(), onImage, r.channels(), px.height(),
                    px.width(), opacity, fits));
        });
    }

    private float[] onImage(long modelId, float[] values, int channels, ImageCodec.Pixels px) {
        InputSpec spec = models.spec(models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId)));
        return spec.mapOnImage(values, channels, px.width(), px.height());
    }
}
