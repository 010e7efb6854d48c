package org.rationale.saliency;

import org.rationale.testing.Host;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.config.Json;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.explain.InputBatch;
import org.rationale.model.ModelService;
import org.rationale.model.ModelVersion;
import org.rationale.model.PredictionService;
import org.rationale.testing.Api;
import org.rationale.testing.LargeUploads;
import org.rationale.testing.PostgresTestResource;
import org.rationale.testing.RealModels;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.rationale.worker.WorkerPool;

import static io.restassured.RestAssured.given;

/**
 * Rationale against PyTorch on a torchvision ResNet-18 (3×224×224, random seeded weights, traced by
 * {@code src/test/python/make_resnet18.py}), measured in one run: maps per second of a vanilla-gradient
 * job (64 samples, one worker thread), an integrated-gradients job (32 steps), and single maps over
 * REST (vanilla and IG-32, {@code curves=false}), each alternated with the same work done by
 * {@code src/test/python/resnet18_eager.py} (Debian's python3-torch) on the same model file and the
 * same preprocessed inputs; medians of 3 rounds (each on its own copy of the same images, so that
 * every map is computed). Not part of the default run:
 * <pre>mvn -B -o test -Dtest=ResNetBenchmark -DexcludedGroups=none</pre>
 * Sizes: {@code -Dbenchmark.rounds=3 -Dbenchmark.jobSamples=64 -Dbenchmark.igSamples=4
 * -Dbenchmark.restCalls=6 -Dbenchmark.igRestCalls=2}; {@code -Dbenchmark.paths=rest} (or {@code job}) measures one
 * side. PyTorch is measured as a user runs it (its thread default; the job at batch 64, IG rows by 64) and
 * on Rationale's terms (its chunk sizes, its intra-op threads), so that the ratios say what the gap is made of.
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(PostgresTestResource.class)
@TestProfile(LargeUploads.class)
class ResNetBenchmark {

    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 3);
    private static final int JOB_SAMPLES = Integer.getInteger("benchmark.jobSamples", 64);
    private static final int IG_SAMPLES = Integer.getInteger("benchmark.igSamples", 4);
    private static final int REST_CALLS = Integer.getInteger("benchmark.restCalls", 6);
    private static final int IG_REST_CALLS = Integer.getInteger("benchmark.igRestCalls", 2);
    private static final int STEPS = 32;
    /** {@code benchmark.paths}: {@code rest}, {@code job} or both (default), to measure one side quickly. */
    private static final String PATHS = System.getProperty("benchmark.paths", "rest,job");
    /** PyTorch runs the integrated-gradients path rows this many at a time (as Captum's internal_batch_size). */
    private static final int IG_ROWS = 64;
    private static final Path DIR = Path.of("target", "resnet-benchmark");

    @Inject
    WorkerPool pool;
    @Inject
    DatasetService datasets;
    @Inject
    ModelService models;
    @Inject
    PredictionService predictions;
    @Inject
    EntityManager em;

    /** One path measured on both sides: Rationale's and PyTorch's maps per second, by round. */
    private static final class Figure {
        final String name;
        final List<Double> ours = new ArrayList<>();
        final List<Double> torch = new ArrayList<>();

        Figure(String name) {
            this.name = name;
        }

        double ratio() {
            return median(ours) / median(torch);
        }
    }

    @Test
    void printsMapsPerSecondAgainstPyTorch() throws Exception {
        Files.createDirectories(DIR);
        long project = Api.newProject("resnet benchmark");
        int rest = Math.max(REST_CALLS, IG_REST_CALLS);
        int total = JOB_SAMPLES + rest + 1;
        byte[] zip = noiseImages(total);
        // the same images once per round: each round computes every map afresh on its own samples
        List<List<Long>> sets = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            given().multiPart("archive", "noise-" + (round + 1) + ".zip", zip, "application/zip").multiPart("split", "test")
                    .post("/api/projects/" + project + "/datasets").then().statusCode(201);
            List<Long> fresh = given().get("/api/projects/" + project + "/samples?limit=" + total * (round + 1))
                    .then().statusCode(200).extract().jsonPath().getList("items.id", Long.class).stream()
                    .filter(seen::add).sorted().toList();
            sets.add(fresh);
        }
        long model = upload(project);
        ModelVersion v = models.find(model).orElseThrow();
        Path jobInputs = inputs(v, sets.get(0).subList(0, JOB_SAMPLES), "job");
        Path restInputs = inputs(v, sets.get(0).subList(JOB_SAMPLES, JOB_SAMPLES + rest), "rest");

        int chunk;
        try (ModelService.Lease lease = models.lease(v)) {
            chunk = lease.model().maxBatch();
        }
        // the rows Rationale runs per engine call (Batches.evenChunk): PyTorch is measured at them too
        int jobChunk = Batches.evenChunk(JOB_SAMPLES, chunk);
        int igChunk = Batches.evenChunk(IG_SAMPLES * STEPS, chunk);
        int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "0"));
        Figure vanillaJob = new Figure("vanilla-gradient job (" + JOB_SAMPLES + " samples, batch " + JOB_SAMPLES + ")");
        Figure vanillaJobChunks = new Figure("vanilla-gradient job, PyTorch in Rationale's chunks of " + jobChunk);
        Figure igJob = new Figure("integrated-gradients-32 job (" + IG_SAMPLES + " samples, rows by " + IG_ROWS + ")");
        Figure igJobChunks = new Figure("integrated-gradients-32 job, PyTorch rows by " + igChunk + " as Rationale");
        Figure vanillaRest = new Figure("vanilla-gradient single REST map (batch 1)");
        Figure vanillaRestThreads = new Figure("vanilla-gradient single REST map, PyTorch on " + threads + " thread(s)");
        Figure igRest = new Figure("integrated-gradients-32 single REST map (batch 1)");
        List<Figure> all = new ArrayList<>(List.of(vanillaJob, vanillaJobChunks, igJob, igJobChunks, vanillaRest,
                vanillaRestThreads, igRest));
        for (int round = 0; round < ROUNDS; round++) {
            List<Long> ids = sets.get(round);
            List<Long> jobIds = ids.subList(0, JOB_SAMPLES);
            List<Long> restIds = ids.subList(JOB_SAMPLES, JOB_SAMPLES + rest);
            warmUp(ids.get(JOB_SAMPLES + rest), model);
            if (PATHS.contains("rest")) {
                double r = restRate(restIds.subList(0, REST_CALLS), model, "vanilla-gradient", "");
                vanillaRest.ours.add(r);
                vanillaRest.torch.add(torch(restInputs, REST_CALLS, "vanilla", 1, 1, 0));
                vanillaRestThreads.ours.add(r);
                vanillaRestThreads.torch.add(torch(restInputs, REST_CALLS, "vanilla", 1, 1, threads));
                igRest.ours.add(restRate(restIds.subList(0, IG_REST_CALLS), model, "integrated-gradients", "&steps=" + STEPS));
                igRest.torch.add(torch(restInputs, IG_REST_CALLS, "integrated", 1, STEPS, 0));
            }
            if (PATHS.contains("job")) {
                double j = jobRate(model, jobIds, Map.of("name", "vanilla-gradient"));
                vanillaJob.ours.add(j);
                vanillaJob.torch.add(torch(jobInputs, JOB_SAMPLES, "vanilla", JOB_SAMPLES, JOB_SAMPLES, 0));
                vanillaJobChunks.ours.add(j);
                vanillaJobChunks.torch.add(torch(jobInputs, JOB_SAMPLES, "vanilla", jobChunk, jobChunk, 0));
                double g = jobRate(model, jobIds.subList(0, IG_SAMPLES),
                        Map.of("name", "integrated-gradients", "params", Map.of("steps", String.valueOf(STEPS))));
                igJob.ours.add(g);
                igJob.torch.add(torch(jobInputs, IG_SAMPLES, "integrated", IG_SAMPLES, IG_ROWS, 0));
                igJobChunks.ours.add(g);
                igJobChunks.torch.add(torch(jobInputs, IG_SAMPLES, "integrated", IG_SAMPLES, igChunk, 0));
            }
            for (Figure f : all) {
                if (f.ours.size() <= round) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "RESNET-18 round %d  %-60s Rationale %.3f  PyTorch %.3f maps/s%n", round + 1,
                        f.name, f.ours.get(round), f.torch.get(round));
            }
        }
        report(all, threads);
    }

    private static void report(List<Figure> figures, int threads) throws IOException {
        String machine = Host.machine();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-64s %12s %14s %7s%n",
                "maps/s, median of " + ROUNDS + " (each round's figures)", "Rationale", "PyTorch 1.13", "ratio"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", "resnet18");
        json.put("machine", machine);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("rounds", ROUNDS);
        json.put("rationaleIntraOpThreads", threads);
        for (Figure f : figures) {
            if (f.ours.isEmpty()) {
                continue;
            }
            table.append(String.format(Locale.ROOT, "%-64s %12.3f %14.3f %7.2f%n", f.name, median(f.ours),
                    median(f.torch), f.ratio()));
            table.append(String.format(Locale.ROOT, "    %-60s %s  /  %s%n", "", rounded(f.ours), rounded(f.torch)));
            String key = f.name.replaceAll(" \\(.*", "").replaceAll("[ ,']+", "-");
            json.put(key, Map.of("rationale", round(median(f.ours)), "pytorch", round(median(f.torch)),
                    "ratio", round(f.ratio())));
        }
        System.out.printf("%nRESNET-18 BENCHMARK  torchvision ResNet-18, 3x224x224, 2 classes, random weights; %s"
                + "; PyTorch side: src/test/python/resnet18_eager.py on the same model file and inputs%s", machine, table);
        System.out.println("BENCH " + Json.MAPPER.writeValueAsString(json));
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static String rounded(List<Double> xs) {
        return xs.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList().toString();
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }


    private static long upload(long project) throws IOException {
        return given().multiPart("model", "resnet18.pt", Files.readAllBytes(RealModels.resnet18()), "application/octet-stream")
                .multiPart("spec", RealModels.resnet18Spec())
                .post("/api/projects/" + project + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Loads the version and runs each path once on a sample the timed runs do not use. */
    private static void warmUp(long sample, long model) {
        given().get("/api/samples/" + sample + "/predictions?modelId=" + model).then().statusCode(200);
        post(sample, model, "vanilla-gradient", "");
        post(sample, model, "integrated-gradients", "&steps=" + STEPS);
    }

    private static void post(long sample, long model, String method, String params) {
        given().post("/api/samples/" + sample + "/saliency?curves=false&method=" + method + "&modelId=" + model + params)
                .then().statusCode(200);
    }

    private static double restRate(List<Long> samples, long model, String method, String params) {
        long t0 = System.nanoTime();
        for (long s : samples) {
            post(s, model, method, params);
        }
        return samples.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** Submits a saliency job and runs it with one worker thread: maps per second from submission to its end. */
    private double jobRate(long model, List<Long> samples, Map<String, Object> method) throws InterruptedException {
        long t0 = System.nanoTime();
        long job = given().contentType(ContentType.JSON)
                .body(Map.of("type", "saliency", "modelId", model, "methods", List.of(method), "samples", samples))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
        pool.start(1);
        try {
            while (!jobEnded(job)) {
                Thread.sleep(20);
            }
        } finally {
            pool.stop();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        given().get("/api/jobs/" + job).then().statusCode(200);
        return samples.size() / seconds;
    }

    /** A cheap look at the job's state. */
    @Transactional
    boolean jobEnded(long job) {
        String state = (String) em.createNativeQuery("select state from jobs where id = ?1").setParameter(1, job)
                .getSingleResult();
        return !state.equals("queued") && !state.equals("running");
    }

    /** The model's inputs of the samples as PyTorch reads them: float32 little-endian, N×3×224×224. */
    private Path inputs(ModelVersion v, List<Long> ids, String name) throws IOException {
        Path file = DIR.resolve(name + ".f32");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Sample s : datasets.samples(ids)) {
                InputBatch x = predictions.input(s, v);
                ByteBuffer b = ByteBuffer.allocate(x.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(x.values());
                out.write(b);
            }
        }
        return file;
    }

    /** Runs the PyTorch side once (on its own thread default, or on {@code threads} intra-op threads): its maps per second. */
    private static double torch(Path inputs, int n, String path, int samples, int rows, int threads) throws Exception {
        List<String> command = List.of("/usr/bin/python3", "src/test/python/resnet18_eager.py",
                RealModels.resnet18().toString(), inputs.toString(), String.valueOf(n), path, String.valueOf(STEPS),
                String.valueOf(samples), String.valueOf(rows));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (threads > 0) {
            builder.environment().put("TORCH_THREADS", String.valueOf(threads));
        }
        Process p = builder.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("The PyTorch side took over 20 minutes");
        }
        String output = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        String line = Arrays.stream(output.split("\n")).filter(l -> l.startsWith("maps_per_second")).findFirst()
                .orElseThrow(() -> new IllegalStateException("No figure from the PyTorch side: " + output));
        System.out.println("PyTorch " + path + " n=" + n + " batch=" + samples + " rows=" + rows + ": " + line);
        return Double.parseDouble(line.split(" ")[1]);
    }

    /** A zip in the ImageFolder layout of n smooth random 224×224 RGB images, classes animal and thing. */
    private static byte[] noiseImages(int n) throws IOException {
        Random r = new Random(18);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
                int[] a = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
                for (int y = 0; y < 224; y++) {
                    for (int x = 0; x < 224; x++) {
                        int red = (a[0] + x + r.nextInt(32)) & 255;
                        int green = (a[1] + y + r.nextInt(32)) & 255;
                        int blue = (a[2] + x * y / 224 + r.nextInt(32)) & 255;
                        img.setRGB(x, y, red << 16 | green << 8 | blue);
                    }
                }
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                out.putNextEntry(new ZipEntry((i % 2 == 0 ? "animal" : "thing") + "/img" + i + ".png"));
                out.write(png.toByteArray());
                out.closeEntry();
            }
        }
        return zip.toByteArray();
    }
}
