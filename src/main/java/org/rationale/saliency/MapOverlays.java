package org.rationale.saliency;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.DatasetService;
import org.rationale.imaging.ImageCodec;
import org.rationale.error.NotFound;

import java.util.Optional;

/** Maps drawn over their sample's image as PNG, by {@link HeatmapRenderer}, for the API, the UI and the reports. */
@ApplicationScoped
public class MapOverlays {

    private final MapStore store;
    private final DatasetService datasets;

    MapOverlays(MapStore store, DatasetService datasets) {
        this.store = store;
        this.datasets = datasets;
    }

    /** The zoom at which the browser draws an h x w map: {@code wanted}, or less when that is too large; 0 when none fits. */
    public int zoom(int h, int w, int wanted) {
        return HeatmapRenderer.fittingZoom(h, w, wanted);
    }

    /** The map drawn over the image of its sample at this opacity and zoom. */
    public byte[] overlayPng(SaliencyMap m, double opacity, int zoom) {
        byte[] png = datasets.imagePng(m.sampleId()).orElseThrow(() -> NotFound.of("Sample " + m.sampleId()));
        ImageCodec.Pixels px = ImageCodec.decodePng(png);
        return HeatmapRenderer.overlayPng(px.data(), px.channels(), m.values(), m.shape().get(0), m.shape().get(1),
                m.shape().get(2), opacity, zoom);
    }

    /**
     * A stored map drawn over its image (PNG), for thumbnails, at {@code zoom} or the largest zoom
     * below it that {@link HeatmapRenderer#MAX_OUTPUT_PIXELS} allows; empty when there is no such map
     * or when it is too large to draw at all.
     */
    public Optional<byte[]> overlayPng(long mapId, double opacity, int zoom) {
        Optional<MapStore.StoredValues> found = store.find(mapId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        MapStore.StoredValues r = found.get();
        int fits = HeatmapRenderer.fittingZoom(r.height(), r.width(), zoom);
        if (fits == 0) {
            return Optional.empty();
        }
        float[] values = MapEncoding.decode(r.encoding(), r.data(), r.width() * r.height() * r.channels());
        return datasets.imagePng(r.sampleId()).map(png -> {
            ImageCodec.Pixels px = ImageCodec.decodePng(png);
            return HeatmapRenderer.overlayPng(px.data(), px.channels(), values, r.channels(), r.height(), r.width(),
                    opacity, fits);
        });
    }
}
