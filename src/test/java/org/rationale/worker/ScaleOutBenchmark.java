package org.rationale.worker;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.config.Json;
import org.rationale.database.EmbeddedPostgres;
import org.rationale.saliency.ReferenceFixtures;
import org.rationale.testing.Api;
import org.rationale.testing.AppProcess;
import org.rationale.testing.Fixtures;
import org.rationale.testing.Host;
import org.rationale.testing.RealModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale-out measured with real processes on one machine: the packaged jar as a server without
 * worker threads ({@code RATIONALE_ROLE=server}) and two worker processes ({@code RATIONALE_ROLE=worker},
 * one worker thread each) against one embedded PostgreSQL (durable: fsync and full-page writes on,
 * as in production). One saliency job of N fixture-CNN maps × 2 methods (vanilla gradient and
 * integrated gradients, 16 steps) runs on both workers, then a job of the same size on fresh samples
 * with one worker left; then the same for a ResNet-18 (224×224 noise images, vanilla gradient),
 * with both workers started again at a smaller batch so that a few dozen samples still spread.
 *
 * <p>For each job it prints, and repeats in its {@code BENCH} line: the items and maps each worker
 * process completed (job items grouped by the worker that leased them) and its maps per second
 * (from the job's first claim to its last item), the total rate, the duplicate maps (keys
 * (sample, method, model, parameters) with more than one row: must be 0) and retried items,
 * PostgreSQL's writes per map (row inserts and updates from {@code pg_stat_user_tables}, commits from
 * {@code pg_stat_database}, WAL bytes from the WAL position and records and full-page images from
 * {@code pg_stat_wal}, table bytes from {@code pg_total_relation_size} of {@code saliency_maps},
 * {@code predictions} and {@code job_items}), the CPU seconds each process used, and the ratio of the
 * two-worker rate to the one-worker rate. Worker processes run as the CPU Docker image does
 * ({@code OMP_WAIT_POLICY=PASSIVE}; libtorch's intra-op threads by default, the cores less one) with
 * the self-check off (an engine that is not repeatable on this host would stop a worker).
 *
 * <p>Needs the packaged jar, so it is run in two steps (not part of the default run):
 * <pre>mvn -B -o package -DskipTests &amp;&amp; mvn -B -o test -Dtest=ScaleOutBenchmark -DexcludedGroups=none</pre>
 * Sizes: {@code -Dbenchmark.samples=2000} (fixture-CNN samples per job), {@code -Dbenchmark.batch=64}
 * (items a worker claims at once, fixture CNN), {@code -Dbenchmark.resnetSamples=64},
 * {@code -Dbenchmark.resnetBatch=8}, {@code -Dbenchmark.resnet=false} to leave the ResNet-18 out.
 * The ResNet-18 is made by {@code src/test/python/make_resnet18.py} ({@link RealModels}); the jar's
 * own upload limit (512 MB) admits it.
 */
@Tag("benchmark")
class ScaleOutBenchmark {

    private static final int SAMPLES = Integer.getInteger("benchmark.samples", 2_000);
    private static final int BATCH = Integer.getInteger("benchmark.batch", 64);
    private static final int RESNET_SAMPLES = Integer.getInteger("benchmark.resnetSamples", 64);
    private static final int RESNET_BATCH = Integer.getInteger("benchmark.resnetBatch", 8);
    private static final boolean RESNET = Boolean.parseBoolean(System.getProperty("benchmark.resnet", "true"));
    /** Warm-up jobs at most, until every worker has loaded the model. */
    private static final int WARM_UPS = 4;
    /**
     * Items of a fixture-CNN warm-up job: enough for a few batches a worker, so that the JIT has compiled
     * the claim and store paths of a fresh JVM before the measured job (a first run measured without it
     * used 2.7 times the CPU a map of a warmed worker).
     */
    private static final int WARM_UP_ITEMS = Integer.getInteger("benchmark.warmUpItems", 8 * BATCH);
    /** PostgreSQL flushes an idle backend's statistics within 10 s: counters are read after this pause. */
    private static final long STATS_SETTLE_MILLIS = 11_000;
    private static final String ADMIN_PASSWORD = "scale-out-admin-password";
    private static final List<String> TABLES = List.of("saliency_maps", "predictions", "job_items");
    private static final Map<String, Object> VANILLA = Map.of("name", "vanilla-gradient");
    private static final Map<String, Object> IG16 = Map.of("name", "integrated-gradients", "params", Map.of("steps", "16"));

    private Path dir;
    private EmbeddedPostgres pg;
    private App server;
    /** The worker processes now running, by name. */
    private final Map<String, App> workers = new LinkedHashMap<>();
    private final List<Run> runs = new ArrayList<>();

    /** A process of the packaged jar. */
    private record App(String name, Process process, int port, Path log) {
    }

    /** Cumulative counters at one moment. */
    private record Snapshot(long nanos, Map<String, Double> cpu, Map<String, long[]> tuples, long commits, long walBytes,
                            long walRecords, long walFpi, Map<String, Long> bytes) {
    }

    /** What one worker process did in a job. */
    private record Share(String worker, long items, long maps, double seconds, double cpuSeconds) {
        double rate() {
            return maps / seconds;
        }
    }

    /** One measured job. */
    private record Run(String model, String methods, int workers, int samples, long maps, double seconds,
                       List<Share> shares, long duplicates, long retried, Snapshot before, Snapshot after, String load) {
        double rate() {
            return maps / seconds;
        }

        double perMap(long value) {
            return (double) value / maps;
        }

        long tuples(int column) {
            long sum = 0;
            for (var e : after.tuples().entrySet()) {
                sum += e.getValue()[column] - before.tuples().getOrDefault(e.getKey(), new long[3])[column];
            }
            return sum;
        }

        long tuples(String table, int column) {
            return after.tuples().getOrDefault(table, new long[3])[column]
                    - before.tuples().getOrDefault(table, new long[3])[column];
        }

        long bytes(String table) {
            return after.bytes().get(table) - before.bytes().get(table);
        }

        double cpu(String process) {
            return after.cpu().getOrDefault(process, 0.0) - before.cpu().getOrDefault(process, 0.0);
        }
    }

    /** Sample ids handed out once each: every job computes its maps afresh. */
    private static final class SamplePool {
        private final List<Long> ids;
        private int next;

        SamplePool(List<Long> ids) {
            this.ids = ids;
        }

        List<Long> take(int n) {
            if (next + n > ids.size()) {
                throw new IllegalStateException("The benchmark's project has " + ids.size() + " samples; "
                        + (next + n) + " were needed");
            }
            List<Long> out = ids.subList(next, next + n);
            next += n;
            return out;
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        List<App> all = new ArrayList<>(workers.values());
        if (server != null) {
            all.add(server);
        }
        for (App a : all) {
            a.process().destroyForcibly();
            a.process().waitFor(30, TimeUnit.SECONDS);
        }
        if (pg != null) {
            pg.close();
        }
        if (dir != null && !Boolean.getBoolean("benchmark.keep")) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void printsWorkPerWorkerProcessAndDatabaseWritesPerMap() throws Exception {
        if (System.getProperty("rationale.app.jar") == null) {
            // failsafe sets it for the *IT tests; this benchmark runs under surefire
            System.setProperty("rationale.app.jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        }
        assertTrue(Files.exists(Path.of(System.getProperty("rationale.app.jar"))),
                "No packaged jar: run mvn -B -o package -DskipTests first");
        dir = Files.createTempDirectory("rationale-scale-out");
        pg = EmbeddedPostgres.start(dir.resolve("db"), true, AppProcess.freePort());
        server = start("server", "server", 0, BATCH);
        awaitReady(List.of(server));
        long t0 = System.nanoTime();

        // the fixture CNN: 2 methods, N samples per job; a second job of the same size with one worker
        long cnnProject = project("scale-out cnn");
        int warmUpSamples = WARM_UPS * WARM_UP_ITEMS;
        api().multiPart("images", "scale-out.idx", Fixtures.idxImages(2 * SAMPLES + warmUpSamples, 28, 28), "application/octet-stream")
                .multiPart("labels", "scale-out-labels.idx", Fixtures.idxLabels(2 * SAMPLES + warmUpSamples, 10),
                        "application/octet-stream")
                .multiPart("split", "test").post("/api/projects/" + cnnProject + "/datasets").then().statusCode(201);
        String octets = "application/octet-stream";
        long cnn = api().multiPart("model", "cnn.pt", ReferenceFixtures.bytes("cnn.pt"), octets)
                .multiPart("features", "f.pt", ReferenceFixtures.bytes("cnn-features.pt"), octets)
                .multiPart("classifier", "c.pt", ReferenceFixtures.bytes("cnn-classifier.pt"), octets)
                .multiPart("spec", Api.modelSpec("fixture-cnn", 28, 10))
                .post("/api/projects/" + cnnProject + "/models").then().statusCode(201).extract().jsonPath().getLong("id");
        SamplePool cnnSamples = new SamplePool(sampleIds(cnnProject));
        List<Map<String, Object>> both = List.of(VANILLA, IG16);
        String cnnName = "fixture CNN 1x28x28";
        String bothNames = "vanilla gradient + integrated gradients (16 steps)";

        startWorkers(BATCH);
        warmUp(cnn, both, cnnSamples, WARM_UP_ITEMS);
        runs.add(measure(cnnName, bothNames, cnn, both, cnnSamples.take(SAMPLES)));
        stopWorker("worker B");
        runs.add(measure(cnnName, bothNames, cnn, both, cnnSamples.take(SAMPLES)));
        stopWorker("worker A");

        if (RESNET) {
            long resnetProject = project("scale-out resnet");
            int images = 2 * RESNET_SAMPLES + WARM_UPS * 2 * RESNET_BATCH;
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < images; i++) {
                entries.put((i % 2 == 0 ? "animal" : "thing") + "/noise" + i + ".png",
                        Fixtures.encode(Fixtures.rgbImage(224, 224, 18_000 + i), "png"));
            }
            api().multiPart("archive", "scale-out-noise.zip", Fixtures.zip(entries), "application/zip")
                    .multiPart("split", "test").post("/api/projects/" + resnetProject + "/datasets").then().statusCode(201);
            long resnet = api().multiPart("model", "resnet18.pt", Files.readAllBytes(RealModels.resnet18()), octets)
                    .multiPart("spec", RealModels.resnet18Spec())
                    .post("/api/projects/" + resnetProject + "/models").then().statusCode(201).extract().jsonPath()
                    .getLong("id");
            SamplePool resnetSamples = new SamplePool(sampleIds(resnetProject));
            List<Map<String, Object>> vanilla = List.of(VANILLA);
            String resnetName = "ResNet-18 3x224x224";
            startWorkers(RESNET_BATCH);
            warmUp(resnet, vanilla, resnetSamples, 2 * RESNET_BATCH);
            runs.add(measure(resnetName, "vanilla gradient", resnet, vanilla, resnetSamples.take(RESNET_SAMPLES)));
            stopWorker("worker B");
            runs.add(measure(resnetName, "vanilla gradient", resnet, vanilla, resnetSamples.take(RESNET_SAMPLES)));
        }
        report((System.nanoTime() - t0) / 1e9);
    }

    // ---- processes

    private App start(String name, String role, int threads, int batch) throws IOException {
        int port = AppProcess.freePort();
        Path log = dir.resolve(name.replace(' ', '-') + "-" + port + ".log");
        Map<String, String> env = new TreeMap<>(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(),
                "QUARKUS_DATASOURCE_USERNAME", pg.username(),
                "QUARKUS_DATASOURCE_PASSWORD", pg.password(),
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "RATIONALE_DATA_DIR", dir.resolve("data").toString(),
                "RATIONALE_ROLE", role,
                "RATIONALE_WORKER_THREADS", Integer.toString(threads),
                "RATIONALE_WORKER_BATCH_SIZE_CPU", Integer.toString(batch),
                "RATIONALE_DEMO_SEED", "false",
                "RATIONALE_ADMIN_PASSWORD", ADMIN_PASSWORD));
        env.put("RATIONALE_WORKER_SELF_CHECK_RATE", "0");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        // on a host at load 25 a new PostgreSQL connection (fork, SCRAM) took over the pool's 5 s default
        env.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        return new App(name, AppProcess.start(env, log), port, log);
    }

    private static void awaitReady(List<App> apps) throws IOException {
        for (App a : apps) {
            AppProcess.awaitReady(a.port(), a.process(), a.log());
        }
    }

    /** Starts worker A and worker B at once (one worker thread each) and waits until both are ready. */
    private void startWorkers(int batch) throws IOException {
        for (String name : List.of("worker A", "worker B")) {
            workers.put(name, start(name, "worker", 1, batch));
        }
        awaitReady(List.copyOf(workers.values()));
    }

    /** Stops a worker as an operator would (SIGTERM: it finishes what it holds). */
    private void stopWorker(String name) throws InterruptedException {
        App w = workers.remove(name);
        w.process().destroy();
        if (!w.process().waitFor(120, TimeUnit.SECONDS)) {
            w.process().destroyForcibly();
            w.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    // ---- the API

    private RequestSpecification api() {
        return given().port(server.port()).auth().preemptive().basic("admin", ADMIN_PASSWORD);
    }

    private long project(String name) {
        return api().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/projects")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private long submit(long model, List<Map<String, Object>> methods, List<Long> samples) {
        return api().contentType(ContentType.JSON)
                .body(Map.of("type", "saliency", "modelId", model, "methods", methods, "samples", samples))
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getLong("jobId");
    }

    /**
     * Runs small jobs until every worker has done an item of the model (its model loaded, its engine
     * started), so that the measured job times computing, not loading.
     */
    private void warmUp(long model, List<Map<String, Object>> methods, SamplePool pool, int items) throws SQLException {
        Set<String> warmed = new HashSet<>();
        for (int attempt = 0; attempt < WARM_UPS && !warmed.containsAll(workers.keySet()); attempt++) {
            long job = submit(model, methods, pool.take(items));
            awaitEnd(job);
            for (Share s : shares(job, methods.size(), Map.of())) {
                warmed.add(s.worker());
            }
        }
        if (!warmed.containsAll(workers.keySet())) {
            System.out.println("SCALE-OUT note: not every worker took part in the warm-up jobs; the measured job "
                    + "includes a model load");
        }
    }

    // ---- the measurement

    private Run measure(String model, String methodNames, long modelId, List<Map<String, Object>> methods,
                        List<Long> samples) throws Exception {
        AppProcess.pause(STATS_SETTLE_MILLIS);
        Snapshot before = snapshot(cpu());
        String loadBefore = loadAverage();
        long job = submit(modelId, methods, samples);
        awaitEnd(job);
        Map<String, Double> cpuAtEnd = cpu();
        String load = loadBefore + " -> " + loadAverage();
        AppProcess.pause(STATS_SETTLE_MILLIS);
        Snapshot after = snapshot(cpuAtEnd);
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpuAtEnd.forEach((k, v) -> cpu.put(k, v - before.cpu().getOrDefault(k, 0.0)));
        List<Share> shares = shares(job, methods.size(), cpu);

        try (Connection c = connect()) {
            String state;
            double seconds;
            long done;
            long retried;
            try (PreparedStatement ps = c.prepareStatement("select j.state, extract(epoch from j.finished_at - j.started_at) "
                    + "as seconds, (select count(*) from job_items i where i.job_id = j.id and i.state = 'succeeded') as done, "
                    + "(select count(*) from job_items i where i.job_id = j.id and i.attempts > 1) as retried "
                    + "from jobs j where j.id = ?")) {
                ps.setLong(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    state = rs.getString("state");
                    seconds = rs.getDouble("seconds");
                    done = rs.getLong("done");
                    retried = rs.getLong("retried");
                }
            }
            assertEquals("succeeded", state, "job " + job);
            assertEquals(samples.size(), done, "items done");
            long maps = count(c, "select count(*) from saliency_maps m where m.model_version_id = " + modelId
                    + " and m.sample_id in (select i.sample_id from job_items i where i.job_id = " + job + ")");
            long duplicates = count(c, "select count(*) from (select 1 from saliency_maps where model_version_id = " + modelId
                    + " group by sample_id, method, parameters having count(*) > 1) d");
            Run run = new Run(model, methodNames, workers.size(), samples.size(), maps, seconds, shares, duplicates, retried,
                    before, after, load);
            print(run);
            assertEquals((long) samples.size() * methods.size(), maps, "maps stored");
            assertEquals(0, duplicates, "keys (sample, method, model, parameters) stored more than once");
            assertEquals(workers.size(), shares.size(), "every worker process completed items: " + shares);
            return run;
        }
    }

    /**
     * The items each worker process completed in a job, by the worker id that leased them, and their
     * maps (every completed item stored one map per method: the total is checked against the table).
     */
    private List<Share> shares(long job, int methods, Map<String, Double> cpu) throws SQLException {
        List<Share> out = new ArrayList<>();
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("select i.leased_by, count(*) as items, "
                     + "extract(epoch from max(i.finished_at) - j.started_at) as seconds "
                     + "from job_items i join jobs j on j.id = i.job_id where i.job_id = ? and i.state = 'succeeded' "
                     + "group by i.leased_by, j.started_at")) {
            ps.setLong(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String worker = workerOf(rs.getString("leased_by"));
                    out.add(new Share(worker, rs.getLong("items"), rs.getLong("items") * methods, rs.getDouble("seconds"),
                            cpu.getOrDefault(worker, 0.0)));
                }
            }
        }
        out.sort(Comparator.comparing(Share::worker));
        return out;
    }

    /** The name of the running worker whose id ({@code host-pid-random}) this is. */
    private String workerOf(String workerId) {
        for (App w : workers.values()) {
            if (workerId.contains("-" + w.process().pid() + "-")) {
                return w.name();
            }
        }
        throw new AssertionError("Items were completed by " + workerId + ", not by a worker of this benchmark");
    }

    private void awaitEnd(long job) throws SQLException {
        long deadline = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("select state from jobs where id = ?")) {
            ps.setLong(1, job);
            while (System.currentTimeMillis() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (List.of("succeeded", "failed", "cancelled").contains(rs.getString(1))) {
                        return;
                    }
                }
                for (App a : workers.values()) {
                    assertTrue(a.process().isAlive(), a.name() + " died; its log is " + a.log());
                }
                AppProcess.pause(100);
            }
        }
        throw new AssertionError("Job " + job + " did not end in 2 hours");
    }

    private Snapshot snapshot(Map<String, Double> cpu) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            Map<String, long[]> tuples = new TreeMap<>();
            try (ResultSet rs = st.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables")) {
                while (rs.next()) {
                    tuples.put(rs.getString("relname"),
                            new long[] {rs.getLong("n_tup_ins"), rs.getLong("n_tup_upd"), rs.getLong("n_tup_del")});
                }
            }
            long commits = count(c, "select xact_commit from pg_stat_database where datname = current_database()");
            long wal = count(c, "select cast(pg_current_wal_lsn() - cast('0/0' as pg_lsn) as bigint)");
            long records;
            long fpi;
            try (ResultSet rs = st.executeQuery("select wal_records, wal_fpi from pg_stat_wal")) {
                rs.next();
                records = rs.getLong("wal_records");
                fpi = rs.getLong("wal_fpi");
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            for (String table : TABLES) {
                bytes.put(table, count(c, "select pg_total_relation_size('" + table + "')"));
            }
            return new Snapshot(System.nanoTime(), cpu, tuples, commits, wal, records, fpi, bytes);
        }
    }

    /** CPU seconds used so far by the server, each worker, and PostgreSQL (its postmaster and live backends). */
    private Map<String, Double> cpu() throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("server", seconds(server.process().toHandle()));
        for (App w : workers.values()) {
            out.put(w.name(), seconds(w.process().toHandle()));
        }
        String pid = Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0).strip();
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(pid)).orElseThrow();
        out.put("postgres", seconds(postmaster) + postmaster.children().mapToDouble(ScaleOutBenchmark::seconds).sum());
        return out;
    }

    private static double seconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private List<Long> sampleIds(long project) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("select id from samples where project_id = ? order by id")) {
            ps.setLong(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- the report

    private static void print(Run r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%nSCALE-OUT  %s, %s: %,d samples, %d worker process(es), load %s%n", r.model(), r.methods(), r.samples(),
                r.workers(), r.load()));
        for (Share w : r.shares()) {
            s.append(String.format(Locale.ROOT, "  %-9s %,7d items %,8d maps in %7.2f s = %8.2f maps/s, %7.2f CPU s%n",
                    w.worker(), w.items(), w.maps(), w.seconds(), w.rate(), w.cpuSeconds()));
        }
        s.append(String.format(Locale.ROOT, "  all       %,7d items %,8d maps in %7.2f s = %8.2f maps/s; duplicate maps %d, "
                + "items retried %d%n", r.samples(), r.maps(), r.seconds(), r.rate(), r.duplicates(), r.retried()));
        s.append(String.format(Locale.ROOT, "  PostgreSQL per map: %.2f rows inserted, %.2f updated, %.2f deleted, %.3f commits, "
                + "%,.0f WAL bytes (%.2f records, %.3f full-page images)%n", r.perMap(r.tuples(0)), r.perMap(r.tuples(1)),
                r.perMap(r.tuples(2)), r.perMap(r.after().commits() - r.before().commits()),
                r.perMap(r.after().walBytes() - r.before().walBytes()),
                r.perMap(r.after().walRecords() - r.before().walRecords()),
                r.perMap(r.after().walFpi() - r.before().walFpi())));
        s.append("  rows per map by table (inserted/updated):");
        for (String table : r.after().tuples().keySet()) {
            long ins = r.tuples(table, 0);
            long upd = r.tuples(table, 1);
            if (ins != 0 || upd != 0) {
                s.append(String.format(Locale.ROOT, " %s %.3f/%.3f", table, r.perMap(ins), r.perMap(upd)));
            }
        }
        s.append(String.format(Locale.ROOT, "%n  table bytes per map:"));
        for (String table : TABLES) {
            s.append(String.format(Locale.ROOT, " %s %,.0f", table, r.perMap(r.bytes(table))));
        }
        s.append(String.format(Locale.ROOT, "%n  CPU seconds per 1,000 maps:"));
        for (String process : r.after().cpu().keySet()) {
            s.append(String.format(Locale.ROOT, " %s %.3f", process, 1000 * r.cpu(process) / r.maps()));
        }
        System.out.println(s);
    }

    private void report(double totalSeconds) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", "scale-out");
        json.put("machine", Host.machine());
        json.put("load", loadAverage());
        json.put("seconds", round(totalSeconds));
        List<Map<String, Object>> out = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%nSCALE-OUT BENCHMARK  %s%n%-22s %-9s %8s %10s %10s %7s %11s %11s%n",
                Host.machine(), "model", "workers", "maps", "maps/s", "per worker", "dupl.", "WAL B/map", "rows/map"));
        for (Run r : runs) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", r.model());
            j.put("methods", r.methods());
            j.put("workers", r.workers());
            j.put("samples", r.samples());
            j.put("maps", r.maps());
            j.put("seconds", round(r.seconds()));
            j.put("mapsPerSecond", round(r.rate()));
            List<Map<String, Object>> shares = new ArrayList<>();
            for (Share s : r.shares()) {
                shares.add(Map.of("worker", s.worker(), "items", s.items(), "maps", s.maps(), "seconds", round(s.seconds()),
                        "mapsPerSecond", round(s.rate()), "cpuSeconds", round(s.cpuSeconds())));
            }
            j.put("perWorker", shares);
            j.put("duplicateMaps", r.duplicates());
            j.put("retriedItems", r.retried());
            Map<String, Object> perMap = new LinkedHashMap<>();
            perMap.put("rowsInserted", round(r.perMap(r.tuples(0))));
            perMap.put("rowsUpdated", round(r.perMap(r.tuples(1))));
            perMap.put("commits", round(r.perMap(r.after().commits() - r.before().commits())));
            perMap.put("walBytes", Math.round(r.perMap(r.after().walBytes() - r.before().walBytes())));
            perMap.put("walRecords", round(r.perMap(r.after().walRecords() - r.before().walRecords())));
            perMap.put("walFullPageImages", round(r.perMap(r.after().walFpi() - r.before().walFpi())));
            for (String t : TABLES) {
                perMap.put(t + "Bytes", Math.round(r.perMap(r.bytes(t))));
            }
            j.put("perMap", perMap);
            Map<String, Object> cpu = new LinkedHashMap<>();
            for (String process : r.after().cpu().keySet()) {
                cpu.put(process, round(1000 * r.cpu(process) / r.maps()));
            }
            j.put("cpuSecondsPer1000Maps", cpu);
            j.put("load", r.load());
            out.add(j);
            table.append(String.format(Locale.ROOT, "%-22s %-9d %,8d %10.2f %10s %7d %,11.0f %11.2f%n", r.model(), r.workers(),
                    r.maps(), r.rate(), r.shares().stream().map(s -> String.format(Locale.ROOT, "%.1f", s.rate())).toList(),
                    r.duplicates(), r.perMap(r.after().walBytes() - r.before().walBytes()),
                    r.perMap(r.tuples(0) + r.tuples(1))));
        }
        json.put("runs", out);
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            double ratio = runs.get(i).rate() / runs.get(i + 1).rate();
            String key = runs.get(i).model().startsWith("ResNet") ? "resnet18" : "fixtureCnn";
            json.put(key + "TwoWorkersOverOne", round(ratio));
            table.append(String.format(Locale.ROOT, "%s: 2 worker processes / 1 = %.2f%n", runs.get(i).model(), ratio));
        }
        System.out.println(table);
        System.out.println("BENCH " + Json.MAPPER.writeValueAsString(json));
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
