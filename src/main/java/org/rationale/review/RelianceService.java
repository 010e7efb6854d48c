package org.rationale.review;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.rationale.config.RationaleConfig;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.FeatureSet;
import org.rationale.dataset.Sample;
import org.rationale.dataset.SampleStore;
import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import org.rationale.error.NotFound;
import org.rationale.error.Unavailable;
import org.rationale.explain.InputBatch;
import org.rationale.imaging.ImageCodec;
import org.rationale.model.InputSpec;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.PredictionService;
import org.rationale.model.PreparedInput;
import org.rationale.model.TableEncoding;
import org.rationale.saliency.RegionReliance;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reliance of a model version on regions of its samples, measured by intervention
 * ({@link RegionReliance}): for a sample's painted {@code shortcut} mask, its known shortcut box
 * or a region given by the caller, what happens to the model's decision when the region is replaced
 * by the dataset's mean, by a blur or by the same region of images of other classes; and the mean
 * over a project's marked regions, a round's measure beside test accuracy. Computes and stores
 * nothing; reads only.
 */
@ApplicationScoped
public class RelianceService {

    /** Training images the dataset's mean colour is taken over. */
    static final int MEAN_SAMPLES = 64;
    /** Most model versions whose dataset mean is remembered. */
    private static final int MEANS_KEPT = 64;
    /** Where a region came from. */
    public static final String PAINTED = "painted shortcut mask";
    public static final String KNOWN = "known shortcut";
    public static final String GIVEN = "given region";

    private final ModelService models;
    private final PredictionService predictions;
    private final DatasetService datasets;
    private final SampleStore samples;
    private final ReviewStore reviews;
    private final ReviewService annotations;
    private final RationaleConfig config;
    private final Map<Long, float[]> means = new ConcurrentHashMap<>();

    RelianceService(ModelService models, PredictionService predictions, DatasetService datasets, SampleStore samples,
                    ReviewStore reviews, ReviewService annotations, RationaleConfig config) {
        this.models = models;
        this.predictions = predictions;
        this.datasets = datasets;
        this.samples = samples;
        this.reviews = reviews;
        this.annotations = annotations;
        this.config = config;
    }

    /**
     * The reliance of a model version on one region of a sample: which region (its source and
     * painted pixels in the image), the class tested (the model's prediction), and the figures of
     * each replacement.
     */
    public record SampleReliance(long sampleId, long modelId, int modelVersion, String region, int regionPixels,
                                 int target, String targetName, List<RegionReliance.Figures> figures) {

        /** The figures of one replacement, if measured. */
        public RegionReliance.Figures of(String replacement) {
            return figures.stream().filter(f -> f.replacement().equals(replacement)).findFirst().orElse(null);
        }
    }

    /**
     * The mean reliance of a model version over a project's marked regions (painted shortcut masks
     * and known shortcuts, at most {@code regions} of them): per replacement, the mean drop of the
     * target's probability and the mean flip rate; {@code regions} counts those measured.
     */
    public record ModelReliance(long modelId, int modelVersion, int regions, Map<String, Mean> byReplacement) {

        /** The headline figures: the region pasted from other classes. */
        public Mean headline() {
            return byReplacement.get(RegionReliance.OTHER_CLASSES);
        }
    }

    /** Mean drop and flip rate of one replacement over regions. */
    public record Mean(double drop, double flipRate) {
    }

    /** Most regions {@code rationale.reliance.most-regions} may allow: a bound on one measurement's work. */
    public static final int MOST_REGIONS = 10_000;

    /** Settings out of range stop the start with words, instead of making every measurement a 400 later. */
    void onStart(@Observes StartupEvent event) {
        int draws = config.reliance().draws();
        if (draws < 1 || draws > RegionReliance.MOST_DRAWS) {
            throw new IllegalStateException("rationale.reliance.draws is " + draws + "; it must be 1 to "
                    + RegionReliance.MOST_DRAWS);
        }
        int regions = config.reliance().mostRegions();
        if (regions < 1 || regions > MOST_REGIONS) {
            throw new IllegalStateException("rationale.reliance.most-regions is " + regions + "; it must be 1 to "
                    + MOST_REGIONS);
        }
    }

    /** Images of other classes drawn by default. */
    public int defaultDraws() {
        return config.reliance().draws();
    }

    /** Regions a model version's figure samples by default. */
    public int defaultRegions() {
        return config.reliance().mostRegions();
    }

    /**
     * The sample's own marked regions (its painted shortcut mask, its known shortcut) tested under
     * the model version; a sample with neither is a 400 asking for a region.
     */
    public List<SampleReliance> ofMarkedRegions(long sampleId, long modelId, Integer draws, Long seed) {
        Sample s = sample(sampleId);
        ModelVersion v = model(modelId, s);
        List<SampleReliance> out = new ArrayList<>();
        byte[] painted = paintedMask(s);
        if (painted != null) {
            out.add(measure(s, v, painted, PAINTED, draws, seed));
        }
        byte[] known = knownBox(s);
        if (known != null) {
            out.add(measure(s, v, known, KNOWN, draws, seed));
        }
        if (out.isEmpty()) {
            throw new Invalid("No region to test", "Sample " + sampleId + " has no painted shortcut mask and no known "
                    + "shortcut: paint one, or give a region (a box or a PNG mask)");
        }
        return out;
    }

    /** A box in the sample's image pixels tested under the model version; a box outside the image is a 400. */
    public SampleReliance ofBox(long sampleId, long modelId, int x, int y, int width, int height, Integer draws,
                                Long seed) {
        Sample s = sample(sampleId);
        ModelVersion v = model(modelId, s);
        if (width <= 0 || height <= 0 || x < 0 || y < 0 || (long) x + width > s.width || (long) y + height > s.height) {
            throw new Invalid("Region outside the image", "The box " + x + "," + y + " " + width + "x" + height
                    + " must lie inside the " + s.width + "x" + s.height + " image of sample " + sampleId);
        }
        return measure(s, v, box(s.width, s.height, x, y, width, height), GIVEN, draws, seed);
    }

    /**
     * A mask in the sample's image pixels (one byte per pixel, non-zero inside) tested under the
     * model version; a mask of another size than the image is a 400.
     */
    public SampleReliance ofMask(long sampleId, long modelId, byte[] mask, Integer draws, Long seed) {
        Sample s = sample(sampleId);
        ModelVersion v = model(modelId, s);
        if (mask == null || mask.length != s.width * s.height) {
            throw new Invalid("Mask does not fit the image", "Sample " + sampleId + " is " + s.width + "x" + s.height
                    + ": the mask needs one pixel per image pixel");
        }
        return measure(s, v, mask, GIVEN, draws, seed);
    }

    /**
     * A PNG mask (pixels whose first channel is above 0 are the region) tested under the model
     * version. Its size is read from the header and must be the sample's before any pixel is decoded.
     */
    public SampleReliance ofPngMask(long sampleId, long modelId, byte[] png, Integer draws, Long seed) {
        Sample s = sample(sampleId);
        ModelVersion v = model(modelId, s);
        long[] size;
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            size = ImageCodec.size(iis, "mask");
        } catch (IOException e) {
            throw new Invalid("Corrupt image: mask", "It cannot be read as a PNG image", e);
        }
        if (size[0] != s.width || size[1] != s.height) {
            throw new Invalid("Mask does not fit the image", "The mask is " + size[0] + "x" + size[1] + " but sample "
                    + sampleId + " is " + s.width + "x" + s.height + ": the mask needs one pixel per image pixel");
        }
        ImageCodec.Pixels px = ImageCodec.decode(png, "mask", (long) s.width * s.height);
        byte[] mask = new byte[px.width() * px.height()];
        int c = px.channels();
        for (int p = 0; p < mask.length; p++) {
            mask[p] = (byte) ((px.data()[p * c] & 0xff) > 0 ? 1 : 0);
        }
        return measure(s, v, mask, GIVEN, draws, seed);
    }

    /**
     * A region already on the model's input grid tested on a sample: for the scheduler, which tries
     * regions experts marked on other samples on samples nobody has reviewed yet. On a tabular
     * model the region is one byte per model feature, in the order of its maps.
     */
    public SampleReliance onGrid(Sample s, ModelVersion v, byte[] gridMask, Integer draws, Long seed) {
        Optional<TableEncoding> rows = models.tableEncoding(v);
        if (rows.isPresent()) {
            return measureRow(s, v, rows.get(), gridMask, GIVEN, draws, seed);
        }
        InputSpec spec = models.spec(v);
        InputBatch x = predictions.input(s, v);
        return measureOnGrid(s, v, spec, x, gridMask, RegionReliance.cells(gridMask), GIVEN, draws, seed);
    }

    /**
     * The mean reliance of a model version over its project's marked regions: painted shortcut masks
     * first, then known shortcut boxes, {@code most} regions at most ({@link #defaultRegions} when
     * null). Null when the project has no marked region.
     *
     * @throws Unavailable when the model could not be run on a region: a failed measurement, not a
     *                     project without marked regions
     */
    public ModelReliance ofModel(long modelId, Integer most) {
        int limit = most == null ? defaultRegions() : most;
        if (limit < 1 || limit > defaultRegions()) {
            throw new Invalid("Invalid regions " + limit, "Measure 1 to " + defaultRegions()
                    + " regions (the most is set by rationale.reliance.most-regions)");
        }
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        Map<Long, String> chosen = new LinkedHashMap<>();
        for (long id : reviews.shortcutMaskSamples(v.projectId, limit)) {
            chosen.put(id, PAINTED);
        }
        if (chosen.size() < limit) {
            for (long id : samples.withKnownShortcut(v.projectId, limit)) {
                if (chosen.size() >= limit) {
                    break;
                }
                chosen.putIfAbsent(id, KNOWN);
            }
        }
        if (chosen.isEmpty()) {
            return null;
        }
        Map<String, double[]> sums = new LinkedHashMap<>();
        int measured = 0;
        for (Sample s : datasets.samples(chosen.keySet())) {
            byte[] mask = PAINTED.equals(chosen.get(s.id)) ? paintedMask(s) : knownBox(s);
            if (mask == null) {
                continue;
            }
            SampleReliance r;
            try {
                r = measure(s, v, mask, chosen.get(s.id), null, null);
            } catch (Invalid e) {
                // a region the model's fit cuts off entirely is not measurable on this model
                continue;
            } catch (DomainError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new Unavailable("Reliance not measured", "Model v" + v.version + " could not be run on sample "
                        + s.id + " to measure its reliance; nothing was measured. Try again later", e);
            }
            for (RegionReliance.Figures f : r.figures()) {
                double[] sum = sums.computeIfAbsent(f.replacement(), k -> new double[3]);
                sum[0] += f.drop();
                sum[1] += f.flipRate();
                sum[2]++;
            }
            measured++;
        }
        if (measured == 0) {
            return null;
        }
        Map<String, Mean> out = new LinkedHashMap<>();
        sums.forEach((k, sum) -> out.put(k, new Mean(sum[0] / sum[2], sum[1] / sum[2])));
        return new ModelReliance(v.id, v.version, measured, out);
    }

    private SampleReliance measure(Sample s, ModelVersion v, byte[] imageMask, String source, Integer draws, Long seed) {
        Optional<TableEncoding> rows = models.tableEncoding(v);
        if (rows.isPresent()) {
            // a row's mask marks columns in its dataset's order; the model takes its features in its own
            return measureRow(s, v, rows.get(), FeatureSet.inOrder(datasets.datasetColumns(s.datasetId), imageMask,
                    rows.get().features()), source, draws, seed);
        }
        InputSpec spec = models.spec(v);
        byte[] grid = spec.maskOnGrid(imageMask, s.width, s.height);
        int pixels = 0;
        for (byte b : imageMask) {
            if (b != 0) {
                pixels++;
            }
        }
        if (pixels == 0) {
            throw new Invalid("Empty region", "The " + source + " of sample " + s.id + " covers no pixel: mark at least one");
        }
        if (RegionReliance.cells(grid) == 0) {
            throw new Invalid("Region outside the model's view", "The " + source + " of sample " + s.id
                    + " lies where the model's " + spec.fit() + " cuts the image off: the model never sees it");
        }
        return measureOnGrid(s, v, spec, predictions.input(s, v), grid, pixels, source, draws, seed);
    }

    private SampleReliance measureOnGrid(Sample s, ModelVersion v, InputSpec spec, InputBatch x, byte[] grid,
                                         int pixels, String source, Integer draws, Long seed) {
        int k = draws == null ? defaultDraws() : draws;
        if (k < 1 || k > RegionReliance.MOST_DRAWS) {
            throw new Invalid("Invalid draws " + k, "Paste the region from 1 to " + RegionReliance.MOST_DRAWS
                    + " images of other classes");
        }
        long drawSeed = seed == null ? s.id : seed;
        InputBatch others = stack(x, inputs(samples.drawnTrainingSamples(s.projectId, s.label, drawSeed, k), v));
        float[] mean = mean(v, x);
        double sigma = Math.min(RegionReliance.MOST_BLUR, Math.max(1, Math.min(spec.height(), spec.width()) / 14.0));
        return measured(s, v, spec, x, grid, new RegionReliance.Replacements(mean, sigma, others.n() == 0 ? null : others),
                source, pixels);
    }

    /**
     * The reliance of a tabular model on marked features of a row: every encoded input of those
     * features (a categorical feature's one-hot inputs together) replaced by the values of training
     * rows of other classes, {@code draws} of them drawn with the seed (the sample's id by default),
     * as images have a region pasted from images of other classes. The region is named by the
     * features replaced ("marked feature site"), so that the reliance line says which.
     *
     * @param marked one byte per feature of the model, in the order of {@link TableEncoding#features()}
     */
    private SampleReliance measureRow(Sample s, ModelVersion v, TableEncoding encoding, byte[] marked, String source,
                                      Integer draws, Long seed) {
        List<String> features = encoding.features();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < features.size() && i < marked.length; i++) {
            if (marked[i] != 0) {
                names.add(features.get(i));
            }
        }
        if (marked.length != features.size() || names.isEmpty()) {
            throw new Invalid("No feature of the model marked", "The " + source + " of sample " + s.id + " marks none "
                    + "of the features model " + v.label() + " takes (" + String.join(", ", features.subList(0,
                    Math.min(10, features.size()))) + (features.size() > 10 ? ", …" : "") + ")");
        }
        int k = draws == null ? defaultDraws() : draws;
        if (k < 1 || k > RegionReliance.MOST_DRAWS) {
            throw new Invalid("Invalid draws " + k, "Replace the features by the values of 1 to "
                    + RegionReliance.MOST_DRAWS + " training rows of other classes");
        }
        int[] featureOfColumn = encoding.featureOfColumn();
        byte[] inputs = new byte[featureOfColumn.length];
        for (int c = 0; c < inputs.length; c++) {
            inputs[c] = marked[featureOfColumn[c]];
        }
        InputBatch x = predictions.input(s, v);
        InputBatch others = stack(x, inputs(samples.drawnTrainingSamples(s.projectId, s.label, seed == null ? s.id : seed,
                k), v));
        if (others.n() == 0) {
            throw new Invalid("No row to draw from", "Project " + s.projectId + " has no training row of another class "
                    + "than sample " + s.id + "'s: the marked features cannot be replaced by other rows' values");
        }
        String region = (PAINTED.equals(source) ? "marked " : "") + (names.size() == 1 ? "feature " : "features ")
                + String.join(", ", names);
        return measured(s, v, models.spec(v), x, inputs, new RegionReliance.Replacements(null, 0, others), region,
                names.size());
    }

    /**
     * The reliance of the model's decision on a sample (its predicted class) on a region of its
     * inputs, each replacement of the region measured; {@code region} and {@code size} name it in
     * the figures (a source and its pixels, or the features replaced and how many).
     */
    private SampleReliance measured(Sample s, ModelVersion v, InputSpec spec, InputBatch x, byte[] inputs,
                                    RegionReliance.Replacements replacements, String region, int size) {
        List<RegionReliance.Figures> figures;
        int target;
        try (ModelService.Lease lease = models.lease(v)) {
            float[] logits = lease.model().logits(x);
            target = 0;
            for (int j = 1; j < logits.length; j++) {
                if (logits[j] > logits[target]) {
                    target = j;
                }
            }
            figures = RegionReliance.measure(lease.model(), x, inputs, target, replacements);
        }
        return new SampleReliance(s.id, v.id, v.version, region, size, target, spec.classes().get(target), figures);
    }

    /** The dataset's mean colour as the model sees it: per channel, over a spread of training images. */
    private float[] mean(ModelVersion v, InputBatch like) {
        float[] known = means.get(v.id);
        if (known != null) {
            return known;
        }
        List<InputBatch> spread = inputs(samples.drawnTrainingSamples(v.projectId, null, 0, MEAN_SAMPLES), v);
        int c = like.channels();
        int hw = like.height() * like.width();
        float[] out = new float[c];
        if (spread.isEmpty()) {
            // no training image: the mean the model's normalisation assumes, which is 0
            return out;
        }
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (InputBatch b : spread) {
                for (int p = 0; p < hw; p++) {
                    sum += b.values()[ch * hw + p];
                }
            }
            out[ch] = (float) (sum / ((double) hw * spread.size()));
        }
        if (means.size() >= MEANS_KEPT) {
            means.clear();
        }
        means.put(v.id, out);
        return out;
    }

    private List<InputBatch> inputs(List<Long> ids, ModelVersion v) {
        List<InputBatch> out = new ArrayList<>();
        for (PreparedInput p : predictions.inputs(datasets.samples(ids), v).values()) {
            if (p instanceof PreparedInput.Ready ready) {
                out.add(ready.batch());
            }
        }
        return out;
    }

    private static InputBatch stack(InputBatch like, List<InputBatch> parts) {
        int size = like.sampleSize();
        float[] v = new float[parts.size() * size];
        for (int i = 0; i < parts.size(); i++) {
            System.arraycopy(parts.get(i).values(), 0, v, i * size, size);
        }
        return like.with(parts.size(), v);
    }

    private Sample sample(long id) {
        return datasets.sample(id).orElseThrow(() -> NotFound.of("Sample " + id));
    }

    private ModelVersion model(long modelId, Sample s) {
        ModelVersion v = models.version(modelId).orElseThrow(() -> NotFound.of("Model " + modelId));
        if (!v.projectId.equals(s.projectId)) {
            throw new Invalid("Sample not in the model's project", "Sample " + s.id + " belongs to project "
                    + s.projectId + ", model v" + v.version + " to project " + v.projectId);
        }
        return v;
    }

    /** The sample's painted shortcut mask in image pixels, or null when it has none (or it does not fit the image). */
    private byte[] paintedMask(Sample s) {
        for (ReviewService.Annotation a : annotations.annotations(s.id)) {
            if (a.kind().equals("shortcut") && a.pixels() > 0 && a.mask() != null
                    && a.mask().length == s.width * s.height) {
                return a.mask();
            }
        }
        return null;
    }

    /** The sample's known shortcut box as a mask in image pixels (clipped to the image), or null. */
    private static byte[] knownBox(Sample s) {
        if (s.shortcutX == null || s.shortcutY == null || s.shortcutWidth == null || s.shortcutHeight == null) {
            return null;
        }
        return box(s.width, s.height, s.shortcutX, s.shortcutY, s.shortcutWidth, s.shortcutHeight);
    }

    private static byte[] box(int w, int h, int x0, int y0, int bw, int bh) {
        byte[] m = new byte[w * h];
        for (int y = Math.max(0, y0); y < Math.min(h, y0 + bh); y++) {
            for (int x = Math.max(0, x0); x < Math.min(w, x0 + bw); x++) {
                m[y * w + x] = 1;
            }
        }
        return m;
    }
}
