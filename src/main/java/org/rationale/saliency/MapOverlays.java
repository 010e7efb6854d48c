package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
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

    /** The map drawn over the image of its sample at this opacity and zoom (pixels per image pixel). */
    public byte[] overlayPng(SaliencyMap m, double opacity, int zoom) {
        byte[] png = datasets.imagePng(m.sampleId()).orElseThrow(() -> NotFound.of("Sample " + m.sampleId()));
        ImageCodec.Pixels px = ImageCodec.decodePng(png);
        int channels = m.shape().get(0);
        float[] onImage = onImage(m.modelId(), m.values(), channels, px);
        return HeatmapRenderer.overlayPng(px.data(), px.channels(), onImage, channels, px.height(), px.width(),
                opacity, zoom);
    }

    /**
     * A stored map drawn over its image (PNG), for thumbnails, at {@code zoom} or the largest zoom
     * below it that {@link HeatmapRenderer#MAX_OUTPUT_PIXELS} allows; empty when there is no such map
     * or when it is too large to draw at all.
     */
    public Optional<byte[]> overlayPng(long mapId, double opacity, int zoom) {
        Optional<MapStore.StoredValues> found = store.find(mapId);
        Optional<MapStore.MapOwner> owner = store.ownerOf(mapId);
        if (found.isEmpty() || owner.isEmpty()) {
            return Optional.empty();
        }
        MapStore.StoredValues r = found.get();
        return datasets.imagePng(r.sampleId()).flatMap(png -> {
            ImageCodec.Pixels px = ImageCodec.decodePng(png);
            int fits = HeatmapRenderer.fittingZoom(px.height(), px.width(), zoom);
            if (fits == 0) {
                return Optional.empty();
            }
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
