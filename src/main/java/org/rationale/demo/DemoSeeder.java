package org.rationale.demo;

import org.rationale.dataset.ImportLimits;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.rationale.config.RationaleConfig;
import org.rationale.database.AppSettings;
import org.rationale.dataset.Dataset;
import org.rationale.dataset.DatasetImporter;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.IdxSource;
import org.rationale.dataset.Split;
import org.rationale.model.ModelService;
import org.rationale.model.TrainingRequest;
import org.rationale.model.TrainingService;
import org.rationale.project.Modality;
import org.rationale.security.AccountBootstrap;
import org.rationale.security.AccountService;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seeds the demo projects once per installation (when {@code rationale.demo.seed} is on, which the
 * embedded default turns on), in the background after start-up: "Decoy Fashion-MNIST" (images, in
 * one transaction) and "Breast cancer with a site shortcut" (table rows, {@link #seedTabular}),
 * each under its own settings key and each with its model trained after it; each is seeded in its
 * own try, so that one failing does not skip the other ({@link #seedEach}). The demo users
 * are members of both with their roles. {@link DemoReadiness}
 * stays DOWN until both are seeded.
 */
@ApplicationScoped
public class DemoSeeder {

    public static final String PROJECT_NAME = "Decoy Fashion-MNIST";
    public static final String MODEL_NAME = "decoy-shortcut-cnn";
    static final String SEEDED_KEY = "demo.seeded";
    static final String SUBSET = "subset";
    /** Where the subset is bundled, as a resource folder. */
    static final String BUNDLED = "demo/fashion-mnist-subset";
    static final int SUBSET_BATCH = 64;
    static final double SUBSET_LEARNING_RATE = 2e-3;
    public static final String TABULAR_PROJECT_NAME = "Breast cancer with a site shortcut";
    public static final String TABULAR_MODEL_NAME = "site-shortcut-mlp";
    static final String TABULAR_SEEDED_KEY = "demo.tabular.seeded";
    /** Where the tabular demo's tables are bundled, as a resource folder (with their CREDIT.md). */
    static final String TABULAR_BUNDLED = "demo/breast-cancer-site";
    /** The label column of the tabular demo's tables. */
    static final String TABULAR_LABEL = "diagnosis";
    /**
     * How the tabular demo's MLP is trained: 10 epochs in batches of 8 at Adam's 1e-2, with which
     * it leans on {@code site} most among the settings measured (README, "The demo's figures").
     */
    static final int TABULAR_EPOCHS = 10;
    static final int TABULAR_BATCH = 8;
    static final double TABULAR_LEARNING_RATE = 1e-2;
    private static final Logger LOG = Logger.getLogger(DemoSeeder.class);

    private final RationaleConfig config;
    private final ProjectService projects;
    private final DatasetService datasets;
    private final AppSettings settings;
    private final TrainingService training;
    private final ModelService models;
    private volatile String state = "not requested";
    private volatile boolean busy;

    private final AccountBootstrap accounts;
    private final AccountService members;
    private final DatasetImporter importer;

    DemoSeeder(RationaleConfig config, ProjectService projects, DatasetService datasets, AppSettings settings,
               TrainingService training, ModelService models, AccountBootstrap accounts, AccountService members,
               DatasetImporter importer) {
        this.config = config;
        this.members = members;
        this.importer = importer;
        this.accounts = accounts;
        this.training = training;
        this.models = models;
        this.projects = projects;
        this.datasets = datasets;
        this.settings = settings;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.demo().seed() || config.role().strip().equalsIgnoreCase("worker")) {
            return;
        }
        boolean images = settings.get(SEEDED_KEY).isEmpty();
        boolean tabular = settings.get(TABULAR_SEEDED_KEY).isEmpty();
        if (!images) {
            projects.findByName(PROJECT_NAME).ifPresent(p -> accounts.ensureDemoUsers(p.id));
            // a run stopped during the demo's training left it without a model: train again
            projects.findByName(PROJECT_NAME).filter(p -> config.demo().train() && models.list(p.id).isEmpty())
                    .ifPresent(p -> startTraining());
        }
        if (!tabular) {
            projects.findByName(TABULAR_PROJECT_NAME).filter(p -> config.demo().train() && models.list(p.id).isEmpty())
                    .ifPresent(p -> startTabularTraining());
        }
        if (!images && !tabular) {
            state = "seeded earlier";
            return;
        }
        busy = true;
        state = "seeding";
        Map<String, Runnable> steps = new LinkedHashMap<>();
        if (images) {
            steps.put("the image demo '" + PROJECT_NAME + "'", () -> {
                seed();
                projects.findByName(PROJECT_NAME).ifPresent(p -> accounts.ensureDemoUsers(p.id));
                if (config.demo().train()) {
                    startTraining();
                }
            });
        }
        if (tabular) {
            steps.put("the tabular demo '" + TABULAR_PROJECT_NAME + "'", () -> {
                seedTabular();
                if (config.demo().train()) {
                    startTabularTraining();
                }
            });
        }
        Thread t = new Thread(() -> {
            try {
                state = seedEach(steps);
            } finally {
                busy = false;
            }
        }, "demo-seeder");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Runs each named seeding step in its own try, so that one failing (logged with its name) does
     * not skip the others; answers the state: {@code seeded}, or {@code failed: } with each failed
     * step's name and message.
     */
    static String seedEach(Map<String, Runnable> steps) {
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Runnable> step : steps.entrySet()) {
            try {
                step.getValue().run();
            } catch (RuntimeException e) {
                LOG.error("Seeding " + step.getKey() + " failed", e);
                failed.add(step.getKey() + ": " + e.getMessage());
            }
        }
        return failed.isEmpty() ? "seeded" : "failed: " + String.join("; ", failed);
    }

    /** Queues the training of the demo's model on its seeded data; returns the job id. */
    long startTraining() {
        Project demo = projects.findByName(PROJECT_NAME).orElseThrow();
        boolean subset = settings.get(SEEDED_KEY).map(SUBSET::equals).orElse(false);
        long job = training.start(demo.id, trainingRequest(subset));
        LOG.infof("Training the demo model '%s' as job %d (%s)", MODEL_NAME, job, subset ? "bundled subset" : "full set");
        return job;
    }

    /**
     * How the demo's model is trained: on the full set, two epochs in batches of 128 at Adam's 1e-3;
     * on the bundled subset (a fifth of the images) three epochs in batches of 64 at 2e-3, with
     * which it learns the decoy (measured against other settings in README, "The demo's figures").
     */
    TrainingRequest trainingRequest(boolean subset) {
        return subset ? new TrainingRequest(MODEL_NAME, "train", config.demo().subsetTrainEpochs(), SUBSET_BATCH,
                SUBSET_LEARNING_RATE, config.demo().seedValue())
                : new TrainingRequest(MODEL_NAME, "train", config.demo().trainEpochs(), 128, 1e-3, config.demo().seedValue());
    }

    /** Creates the demo project with its train and test splits; does nothing if it exists. */
    public void seed() {
        long t0 = System.nanoTime();
        Path dir = config.demo().fashionMnistDir();
        boolean full = Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
                && Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        Path source = full ? dir : bundledSubset();
        QuarkusTransaction.requiringNew().timeout(DatasetService.IMPORT_TIMEOUT_SECONDS).run(() -> {
            if (projects.findByName(PROJECT_NAME).isPresent()) {
                return;
            }
            Project p = projects.create(PROJECT_NAME, "Fashion-MNIST with the decoy of Ross et al. 2017: a 4x4 patch "
                    + "in a random corner whose shade encodes the label in training and is random in test. "
                    + (full ? "Full set from " + dir + "." : "Bundled subset (dataset-fashion-mnist not installed)."));
            // the bundled files are copied to a temporary folder; the origin names where they come from
            String origin = full ? dir.toString() : BUNDLED;
            importSplit(p, source, origin, "train", Split.TRAIN, true);
            importSplit(p, source, origin, "t10k", Split.TEST, false);
            settings.put(SEEDED_KEY, full ? "full" : SUBSET);
        });
        LOG.infof("Demo project '%s' seeded from %s in %d ms", PROJECT_NAME, full ? dir : "the bundled subset",
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Queues the training of the tabular demo's MLP on its training table; returns the job id. */
    public long startTabularTraining() {
        Project demo = projects.findByName(TABULAR_PROJECT_NAME).orElseThrow();
        long job = training.start(demo.id, tabularTrainingRequest());
        LOG.infof("Training the tabular demo model '%s' as job %d", TABULAR_MODEL_NAME, job);
        return job;
    }

    /** How the tabular demo's MLP is trained (seeded like the image demo). */
    TrainingRequest tabularTrainingRequest() {
        return new TrainingRequest(TABULAR_MODEL_NAME, "train", TABULAR_EPOCHS, TABULAR_BATCH, TABULAR_LEARNING_RATE,
                config.demo().seedValue());
    }

    /**
     * Creates the tabular demo "Breast cancer with a site shortcut": a tabular project with the
     * bundled {@code train.csv} (split train) and {@code test.csv} (split test), label column
     * {@value #TABULAR_LABEL}, whose members are the demo users with their roles. Each step is
     * skipped when it is done already, so a start that stopped half-way finishes the job on the
     * next one; the settings key {@value #TABULAR_SEEDED_KEY} is written last.
     */
    public void seedTabular() {
        if (settings.get(TABULAR_SEEDED_KEY).isPresent()) {
            return;
        }
        long t0 = System.nanoTime();
        Project p = projects.findByName(TABULAR_PROJECT_NAME).orElseGet(() -> QuarkusTransaction.requiringNew().call(
                () -> projects.create(TABULAR_PROJECT_NAME, "Breast Cancer Wisconsin (Diagnostic) with a synthetic "
                        + "'site' column: in training 95 % of the malignant rows come from site B and 95 % of the benign "
                        + "rows from site A; in test the site is random, so a model that leans on it loses accuracy "
                        + "there. Data: W. Wolberg, W. Street, O. Mangasarian, UCI Machine Learning Repository "
                        + "(https://doi.org/10.24432/C5DW2B), CC BY 4.0; the site column is added (see "
                        + TABULAR_BUNDLED + "/CREDIT.md).", null, Modality.TABULAR)));
        List<Dataset> present = datasets.datasetsOf(p.id);
        for (Split split : List.of(Split.TRAIN, Split.TEST)) {
            String name = "Site shortcut " + split.value();
            if (present.stream().noneMatch(d -> d.name.equals(name))) {
                importTable(p, split, name);
            }
        }
        accounts.ensureDemoUsers(p.id);
        for (String username : AccountBootstrap.DEMO_USERS.keySet()) {
            members.byUsername(username).ifPresent(a -> members.addMember(p.id, a.id()));
        }
        settings.put(TABULAR_SEEDED_KEY, "bundled");
        LOG.infof("Demo project '%s' seeded from %s in %d ms", TABULAR_PROJECT_NAME, TABULAR_BUNDLED,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private void importTable(Project p, Split split, String name) {
        String file = split.value() + ".csv";
        try {
            Path tmp = Files.createTempFile("rationale-demo", ".csv");
            try {
                try (InputStream in = DemoSeeder.class.getResourceAsStream("/" + TABULAR_BUNDLED + "/" + file)) {
                    if (in == null) {
                        throw new IOException("Bundled demo file " + file + " is missing");
                    }
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                importer.importTable(p.id, name, split.value(), new DatasetImporter.NamedFile(tmp, file), TABULAR_LABEL,
                        null, "demo:" + TABULAR_BUNDLED + "/" + file);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void importSplit(Project p, Path dir, String origin, String prefix, Split split, boolean training) {
        String images = prefix + "-images-idx3-ubyte.gz";
        String labels = prefix + "-labels-idx1-ubyte.gz";
        long seed = config.demo().seedValue() * 31 + (training ? 1 : 2);
        try (var decoy = new DecoyFashionMnist(IdxSource.open(dir.resolve(images), images, dir.resolve(labels), labels,
                ImportLimits.of(config.importing())), training, seed)) {
            datasets.importDataset(p.id, "Decoy " + split.value(), split, "demo:" + origin + "/" + images, decoy,
                    DecoyFashionMnist.CLASS_NAMES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path bundledSubset() {
        try {
            Path dir = Files.createTempDirectory("rationale-demo");
            for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
                try (InputStream in = DemoSeeder.class.getResourceAsStream("/" + BUNDLED + "/" + f)) {
                    if (in == null) {
                        throw new IOException("Bundled demo file " + f + " is missing");
                    }
                    Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
                dir.resolve(f).toFile().deleteOnExit();
            }
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True while the demo is being seeded in the background. */
    public boolean seeding() {
        return busy;
    }

    /** What happened to the demo on this start: not requested, seeding, seeded, seeded earlier, failed: why. */
    public String state() {
        return state;
    }
}
