package org.rationale.ui.review;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import io.restassured.http.ContentType;
import org.rationale.dataset.DatasetService;
import org.rationale.dataset.Sample;
import org.rationale.error.Conflict;
import org.rationale.model.Prediction;
import org.rationale.model.PredictionService;
import org.rationale.scheduler.SchedulerService;
import org.rationale.testing.DecoyProjects;
import org.rationale.worker.WorkerPool;
import org.rationale.model.ModelVersion;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.review.ReviewService;
import org.rationale.saliency.MethodAvailability;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.testing.Api;
import org.rationale.testing.Fixtures;
import org.rationale.testing.PostgresTestResource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The review session without a browser: what it records, what it drops, and what it tells the expert. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class ReviewSessionTest {

    @Inject
    Instance<ReviewSession> sessions;

    @Inject
    ProjectService projects;

    @Inject
    ReviewService reviews;

    @Inject
    DatasetService datasets;

    @Inject
    PredictionService predictions;

    @Inject
    WorkerPool pool;

    /** A page that keeps what it was shown; work finished in the background waits in {@code later}. */
    static final class Page implements ReviewSession.Screen {
        final List<ReviewSession.Picture> pictures = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<Runnable> later = new ArrayList<>();
        String status = "";
        String facts = "";
        String progress = "";
        String context = "";
        String why = "";
        String reliance = "";
        String wrong;
        boolean roundsLink;
        ModelVersion model;
        Long address;
        List<ReviewSession.Visit> history = List.of();

        String shown() {
            return pictures.isEmpty() ? null : pictures.get(pictures.size() - 1).key();
        }

        @Override
        public void picture(ReviewSession.Picture main) {
            pictures.add(main);
        }

        @Override
        public void comparison(ReviewSession.Picture other) {
        }

        @Override
        public void masks(byte[] relevant, byte[] shortcut) {
        }

        @Override
        public void done(String text, boolean roundsPage) {
            facts = text;
            roundsLink = roundsPage;
        }

        @Override
        public void context(String text) {
            context = text;
        }

        @Override
        public void switched(ModelVersion now) {
            model = now;
        }

        @Override
        public void history(List<ReviewSession.Visit> recent) {
            history = recent;
        }

        @Override
        public void address(Long sampleId) {
            address = sampleId;
        }

        @Override
        public void facts(String text) {
            facts = text;
        }

        @Override
        public void prediction(List<String> top, String wrongText) {
            wrong = wrongText;
        }

        @Override
        public void quality(String deletion, String sanity, String warning) {
        }

        @Override
        public void reliance(String text) {
            this.reliance = text;
        }

        @Override
        public void why(String text) {
            why = text;
        }

        @Override
        public void verdict(String mine, String comment) {
        }

        @Override
        public void progress(String text) {
            progress = text;
        }

        @Override
        public void status(String text) {
            status = text;
        }

        @Override
        public void problem(String text) {
            status = text;
            problems.add(text);
        }

        @Override
        public synchronized void access(Runnable change) {
            later.add(change);
        }
    }

    private static Caller expert(String name, long project) {
        Api.addMember(project, Api.newUser(name, Role.Name.EXPERT));
        return new Caller(name, Role.EXPERT);
    }

    private Project project(String name, int samples) {
        long p = Api.newProject(name);
        Api.importIdx(p, samples, "test");
        Api.uploadFixtureCnn(p);
        return projects.find(p).orElseThrow();
    }

    private ReviewSession session(Project p, Caller who, Page page, String sample) {
        ReviewSession s = sessions.get();
        assertFalse(s.begin(p, who, page).isEmpty());
        s.start(sample);
        return s;
    }

    private long myVerdicts(Project p, Caller who, ReviewSession s) {
        return reviews.progress(p.id, who, s.model().id, s.split()).reviewedByMe();
    }

    @Test
    void aVerdictNamingAnotherMapThanTheOneDrawnIsDropped() {
        Project p = project("session verdicts", 10);
        Caller who = expert("rs-verdicts", p.id);
        Page page = new Page();
        ReviewSession s = session(p, who, page, null);
        String first = page.shown();
        long sample = s.sampleId();
        assertEquals(first, s.sentKey());

        // a key that names another map of this sample (the page had drawn an earlier one)
        s.verdict("accept", "s" + sample + "-m" + (ReviewSession.mapOf(first) + 100000), "");
        assertEquals("Not recorded: sample " + sample + " was not drawn yet when the verdict was given", page.status);
        assertEquals(0, myVerdicts(p, who, s));
        assertEquals(first, page.shown(), "the sample stays");

        // the map drawn: recorded, and the next sample is sent
        s.verdict("reject", first, "looks at the frame");
        assertEquals("Sample " + sample + ": reject", page.status);
        assertEquals(1, myVerdicts(p, who, s));
        String second = page.shown();
        assertNotEquals(first, second);

        // a second click that still names the first map arrives after the next sample was sent: dropped
        s.verdict("reject", first, "");
        assertTrue(page.status.startsWith("Not recorded: sample " + s.sampleId()), page.status);
        assertEquals(1, myVerdicts(p, who, s));
        assertEquals(second, page.shown());
        assertTrue(page.problems.isEmpty(), page.problems.toString());
    }

    @Test
    void keysPressedWhileTheNextSampleLoadsAreDropped() {
        Project p = project("session keys", 10);
        Caller who = expert("rs-keys", p.id);
        Page page = new Page();
        ReviewSession s = session(p, who, page, null);
        String first = page.shown();
        s.key("unsure", first, "");
        String second = page.shown();
        assertNotEquals(first, second);
        assertEquals(1, myVerdicts(p, who, s));
        int sent = page.pictures.size();

        // keys pressed while the page still drew the first sample, arriving after the second was sent
        for (String action : List.of("accept", "reject", "unsure", "undo", "previous", "next")) {
            s.key(action, first, "");
        }
        // and keys pressed before anything was drawn (the page reports no key)
        for (String action : List.of("accept", "undo", "next")) {
            s.key(action, "", "");
            s.key(action, null, "");
        }
        assertEquals(sent, page.pictures.size(), "nothing sent again");
        assertEquals(second, s.sentKey());
        assertEquals(1, myVerdicts(p, who, s), "no verdict recorded, none undone");

        // the same keys once the second sample is drawn count
        s.key("next", second, "");
        String third = page.shown();
        assertNotEquals(second, third);
        s.key("previous", third, "");
        assertEquals(second, page.shown());
        s.key("undo", second, "");
        assertEquals(first, page.shown(), "undo shows the sample judged last");
        assertEquals(0, myVerdicts(p, who, s));
        assertTrue(page.status.startsWith("Undid your verdict (unsure) on sample "), page.status);
    }

    @Test
    void aConflictFromTheServiceBecomesAMessageAPersonReads() {
        Project p = project("session conflict", 10);
        Caller holder = expert("rs-holder", p.id);
        Caller other = expert("rs-other", p.id);
        Page first = new Page();
        ReviewSession mine = session(p, holder, first, null);
        long sample = mine.sampleId();

        // the second expert opens the sample the first one holds, by address, and judges it
        Page second = new Page();
        ReviewSession theirs = session(p, other, second, Long.toString(sample));
        assertEquals(sample, theirs.sampleId());
        theirs.verdict("accept", second.shown(), "");
        assertEquals(1, second.problems.size(), second.problems.toString());
        String message = second.problems.get(0);
        assertEquals("Sample taken: Sample " + sample + " is being reviewed by rs-holder (this project asks for 1 reviewer "
                + "a sample); take the next one", message);
        assertEquals(message, second.status);
        for (String machine : List.of("409", "Conflict", "Exception", "org.rationale")) {
            assertFalse(message.contains(machine), message);
        }
        assertEquals(0, myVerdicts(p, other, theirs));
        assertEquals(1, second.pictures.size(), "the sample stays on the page");

        assertEquals("Verdict changed meanwhile: reload the sample",
                ReviewSession.readable(new Conflict("Verdict changed meanwhile", "reload the sample")));
        assertEquals("Sample taken", ReviewSession.readable(new Conflict("Sample taken", null)));
    }

    @Test
    void everyRegisteredMethodIsOfferedAndThoseThatCannotRunSayWhy() {
        Project p = project("session methods", 10);
        Caller who = expert("rs-methods", p.id);
        ReviewSession s = session(p, who, new Page(), null);
        List<MethodAvailability> offered = s.methods();
        assertEquals(List.of("vanilla-gradient", "gradient-x-input", "integrated-gradients", "smoothgrad", "grad-cam",
                "grad-cam-plus-plus", "guided-backprop", "occlusion", "rise", "kernel-shap", "shapley-sampling"),
                offered.stream().map(MethodAvailability::method).toList());
        // the fixture CNN comes as features and classifier: the CAM methods run; guided backprop never does, and
        // the Shapley methods attribute the features of table models only
        assertEquals(List.of("guided-backprop", "kernel-shap", "shapley-sampling"), offered.stream().filter(m -> !m.available()).map(MethodAvailability::method)
                .toList());
        assertTrue(offered.stream().filter(m -> !m.available()).findFirst().orElseThrow().refusal()
                .contains("backward hooks"));

        // on a model uploaded whole, the CAM methods say so too
        List<MethodAvailability> whole = ReviewSession.reviewOrder(List.of(
                new MethodAvailability("vanilla-gradient", null), new MethodAvailability("smoothgrad", null),
                new MethodAvailability("integrated-gradients", null), new MethodAvailability("grad-cam", "whole network"),
                new MethodAvailability("grad-cam-plus-plus", "whole network"), new MethodAvailability("new-method", null)));
        assertEquals(List.of("vanilla-gradient", "integrated-gradients", "smoothgrad", "grad-cam", "grad-cam-plus-plus",
                "new-method"), whole.stream().map(MethodAvailability::method).toList());
    }

    private long sampleShown(Page page) {
        return Long.parseLong(page.shown().substring(1, page.shown().indexOf("-m")));
    }

    @Test
    void theHistoryListsMyVerdictsNewestFirstAndAfterAReloadIGoBackAndChangeOne() {
        Project p = project("session history", 10);
        Caller who = expert("rs-history", p.id);
        Page page = new Page();
        ReviewSession s = session(p, who, page, null);
        List<Long> judged = new ArrayList<>();
        for (String v : List.of("accept", "reject", "unsure")) {
            judged.add(s.sampleId());
            s.verdict(v, page.shown(), "");
        }
        assertEquals(List.of(judged.get(2), judged.get(1), judged.get(0)),
                page.history.stream().map(ReviewSession.Visit::sampleId).toList(), "newest first");
        assertEquals(List.of("unsure", "reject", "accept"), page.history.stream().map(ReviewSession.Visit::verdict).toList());

        // a reload: a new session on a new page; ← goes back through the stored verdicts
        Page again = new Page();
        ReviewSession reloaded = session(p, who, again, null);
        assertEquals(3, again.history.size(), "the history comes from the database");
        long fresh = reloaded.sampleId();
        assertFalse(judged.contains(fresh));
        reloaded.key("previous", again.shown(), "");
        assertEquals((long) judged.get(2), sampleShown(again));
        reloaded.key("previous", again.shown(), "");
        assertEquals((long) judged.get(1), sampleShown(again));

        // there the verdict changes: the stored review is updated, not doubled
        reloaded.key("accept", again.shown(), "on second thought");
        assertEquals("Sample " + judged.get(1) + ": accept (changed from reject)", again.status);
        List<ReviewService.Review> onIt = reviews.reviewsOf(judged.get(1));
        assertEquals(1, onIt.size());
        assertEquals("accept", onIt.get(0).verdict().value());
        assertEquals(2, onIt.get(0).version());
        assertEquals("on second thought", onIt.get(0).comment());
        assertEquals(judged.get(1), again.history.get(0).sampleId(), "the changed verdict is the newest");
        assertEquals(3, myVerdicts(p, who, reloaded));

        // the list goes to any of them
        reloaded.goTo(judged.get(0));
        assertEquals((long) judged.get(0), sampleShown(again));
        assertEquals(judged.get(0), again.address, "the address follows the sample shown");
        assertTrue(again.problems.isEmpty(), again.problems.toString());
    }

    @Test
    void anAddressNamingNoSampleOfThisProjectSaysSoAndTheQueueGoesOn() {
        Project other = project("session foreign", 3);
        Caller stranger = expert("rs-foreign", other.id);
        long foreign = session(other, stranger, new Page(), null).sampleId();
        Project p = project("session address", 10);
        Caller who = expert("rs-address", p.id);

        Page bad = new Page();
        ReviewSession s = session(p, who, bad, "12abc");
        assertEquals(List.of("The address asks for sample \"12abc\", which is not a sample number; showing the next "
                + "sample in the queue instead"), bad.problems);
        assertTrue(bad.shown().startsWith("s"), "the queue goes on");

        Page elsewhere = new Page();
        session(p, who, elsewhere, Long.toString(foreign));
        assertEquals(List.of("There is no sample " + foreign + " in this project; showing the next sample in the queue "
                + "instead"), elsewhere.problems);
        assertNotEquals(foreign, sampleShown(elsewhere));

        Page good = new Page();
        long wanted = s.sampleId() + 2;
        ReviewSession direct = session(p, who, good, Long.toString(wanted));
        assertEquals(wanted, direct.sampleId());
        assertTrue(good.problems.isEmpty(), good.problems.toString());
        assertEquals("Opened from its link.", good.why);
    }

    @Test
    void whyThisSampleIsInWordsAndDoesNotRepeatWhenTheMethodChanges() {
        Project p = project("session why", 10);
        Caller who = expert("rs-why", p.id);
        Page page = new Page();
        ReviewSession s = session(p, who, page, null);
        String first = page.why;
        assertEquals("Next in the queue (by id: nobody has ranked the samples of fixture-cnn v1 yet).", first);
        s.chooseMethod("gradient-x-input");
        s.chooseSecond("smoothgrad");
        s.chooseMethod("vanilla-gradient");
        s.chooseSecond(ReviewSession.NO_COMPARISON);
        assertEquals(first, page.why, "the same words after four changes");

        // a ranked sample's reason, from the parts of its score
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("disagreement", 0.41);
        parts.put("predictedShortcutMass", 0.41);
        parts.put("concentration", 0.12);
        parts.put("entropy", 0.08);
        parts.put("margin", 0.9);
        parts.put("confidence", 0.97);
        parts.put("redFlag", 0.0);
        assertEquals("#3 of the hybrid queue: the map puts 41 % of its weight where experts marked shortcuts elsewhere; "
                + "the model is 97 % confident.", WhyThisSample.ranked(new SchedulerService.Reason("hybrid", 2, 0.7, parts), false));
        parts.put("redFlag", 0.4);
        parts.put("concentration", 0.63);
        String flagged = WhyThisSample.ranked(new SchedulerService.Reason("disagreement", 0, 0.7, parts), false);
        assertTrue(flagged.contains("2 % of its pixels hold 63 % of its weight"), flagged);
        String row = WhyThisSample.ranked(new SchedulerService.Reason("disagreement", 0, 0.7, parts), true);
        assertTrue(row.contains("its largest feature holds 63 % of its weight") && !row.contains("pixel"), row);
        assertTrue(flagged.contains("a red flag"), flagged);
        assertFalse(flagged.matches(".*[a-z][A-Z].*"), "no variable names: " + flagged);
    }

    @Test
    void clearedMasksAreStoredAtTheImagesOwnSizeWhateverSizeThePageSentThemAt() {
        // ten 28×28 samples give the project the fixture CNN's classes; one 40×30 image the model sees centre-cropped
        Project p = project("session mask size", 10);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("3/wide.png", Fixtures.encode(Fixtures.grayImage(40, 30, 7), "png"));
        given().multiPart("archive", "wide.zip", Fixtures.zip(entries), "application/zip").multiPart("split", "test")
                .post("/api/projects/" + p.id + "/datasets").then().statusCode(201);
        long wide = given().get("/api/projects/" + p.id + "/samples?split=test&limit=100").then().statusCode(200)
                .extract().jsonPath().getLong("items.find { it.source == '3/wide.png' }.id");
        Caller who = expert("rs-mask-size", p.id);
        Page page = new Page();
        ReviewSession s = session(p, who, page, Long.toString(wide));
        assertEquals(wide, s.sampleId());
        assertEquals(28, page.pictures.get(0).width(), "the map is at the model's size");

        // a shortcut painted at the image's size is stored
        byte[] painted = new byte[40 * 30];
        painted[15 * 40 + 20] = 1;
        painted[15 * 40 + 21] = 1;
        s.saveMasks(new byte[0], painted);
        assertEquals("Masks saved", page.status);
        ReviewService.Annotation first = shortcutOf(wide);
        assertEquals(2, first.pixels());

        // all cleared, the masks come back empty at another size (the map's 28×28): stored as an empty 40×30 mask
        s.saveMasks(new byte[28 * 28], new byte[28 * 28]);
        assertTrue(page.problems.isEmpty(), page.problems.toString());
        assertEquals("Masks saved", page.status);
        ReviewService.Annotation cleared = shortcutOf(wide);
        assertEquals(List.of(40, 30, 0, 1200, 2), List.of(cleared.width(), cleared.height(), cleared.pixels(),
                cleared.mask().length, cleared.version()));
        assertEquals(List.of("shortcut"), reviews.annotations(wide).stream().map(ReviewService.Annotation::kind).toList(),
                "no empty relevant mask stored where none was painted");

        // a painted mask of another size than the image is refused in words, and nothing changes
        byte[] misfit = new byte[28 * 28];
        misfit[3] = 1;
        s.saveMasks(new byte[0], misfit);
        assertEquals(List.of("Mask does not fit the image: Sample " + wide + " is 40x30: the mask needs 1200 bytes "
                + "(one per pixel), got 784"), page.problems);
        assertEquals(2, shortcutOf(wide).version());
    }

    private ReviewService.Annotation shortcutOf(long sample) {
        return reviews.annotations(sample).stream().filter(a -> a.kind().equals("shortcut")).findFirst().orElseThrow();
    }

    @Test
    void aWrongPredictionIsFlaggedWithLabelAndPrediction() {
        Project p = project("session wrong", 10);
        Caller who = expert("rs-wrong", p.id);
        Page page = new Page();
        ReviewSession s = session(p, who, page, null);
        int flagged = 0;
        for (int i = 0; i < 10 && s.sampleId() != null; i++) {
            Sample sample = datasets.sample(s.sampleId()).orElseThrow();
            Prediction predicted = predictions.predict(sample, s.model());
            if (predicted.predictedLabel() == sample.label) {
                assertEquals(null, page.wrong, "right: no flag");
            } else {
                assertEquals("Wrong: labelled " + p.className(sample.label) + ", predicted "
                        + p.className(predicted.predictedLabel()), page.wrong);
                flagged++;
            }
            s.forward();
        }
        assertTrue(flagged > 0, "the fixture CNN gets some of the generated images wrong");
    }

    @Test
    void aRoundSaysWhereTheExpertIsInItsBatchStopsAtItsEndAndSaysWhatItShowsAfterwards() throws Exception {
        long id = Api.newProject("session round");
        Api.importIdx(id, 12, "train");
        Api.uploadFixtureCnn(id);
        Project p = projects.find(id).orElseThrow();
        Caller who = expert("rs-round", id);
        pool.start(1);
        try {
            given().contentType(ContentType.JSON).body(Map.of("strategy", "uncertainty", "batchSize", 3, "epochs", 1))
                    .post("/api/projects/" + id + "/rounds").then().statusCode(201);
            DecoyProjects.await("/api/projects/" + id + "/rounds/1", "state", List.of("reviewing", "failed"));
            Page page = new Page();
            ReviewSession s = session(p, who, page, null);
            assertEquals("train", s.split());
            assertEquals("Round 1 · 1 of 3 · 0 reviewed", page.context);
            s.verdict("accept", page.shown(), "");
            assertEquals("Round 1 · 2 of 3 · 1 reviewed", page.context);
            s.verdict("reject", page.shown(), "");
            s.verdict("unsure", page.shown(), "");
            assertEquals("Round 1 is reviewed: all 3 samples of its batch have their verdicts. The session stops here; "
                    + "the round retrains the model on the rounds page.", page.facts);
            assertTrue(page.roundsLink, "the end of a round links to the rounds page");
            assertEquals(null, s.sampleId());
            assertEquals(0, reviews.progress(id, who, s.model().id, "train").reservedNow(), "nothing held past the batch");

            // back to the last sample of the round, then the round goes to training: the session says what it shows now
            s.key("previous", ReviewSession.DONE, "");
            assertTrue(page.context.startsWith("Round 1 · 3 of 3"), page.context);
            given().contentType(ContentType.JSON).post("/api/projects/" + id + "/rounds/1/retrain").then().statusCode(200);
            s.forward();
            assertTrue(page.status.startsWith("Round 1 is "), page.status);
            assertTrue(page.status.endsWith(": this session now shows fixture-cnn v1 on the test split (it showed "
                    + "fixture-cnn v1 on the train split)"), page.status);
            assertEquals("test", s.split());
            assertEquals(page.status, page.context);
        } finally {
            pool.stop();
        }
    }
}
