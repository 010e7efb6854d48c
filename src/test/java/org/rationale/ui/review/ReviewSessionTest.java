package org.rationale.ui.review;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.rationale.error.Conflict;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;
import org.rationale.review.ReviewService;
import org.rationale.saliency.MethodAvailability;
import org.rationale.security.Caller;
import org.rationale.security.Role;
import org.rationale.testing.Api;
import org.rationale.testing.PostgresTestResource;

import java.util.ArrayList;
import java.util.List;

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

    /** A page that keeps what it was shown; work finished in the background waits in {@code later}. */
    static final class Page implements ReviewSession.Screen {
        final List<ReviewSession.Picture> pictures = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<Runnable> later = new ArrayList<>();
        String status = "";
        String facts = "";
        String progress = "";

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
        public void done(String text) {
            facts = text;
        }

        @Override
        public void facts(String text) {
            facts = text;
        }

        @Override
        public void prediction(List<String> top) {
        }

        @Override
        public void quality(String deletion, String sanity) {
        }

        @Override
        public void why(String text) {
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
                "grad-cam-plus-plus", "guided-backprop", "occlusion", "rise"),
                offered.stream().map(MethodAvailability::method).toList());
        // the fixture CNN comes as features and classifier: the CAM methods run; guided backprop never does
        assertEquals(List.of("guided-backprop"), offered.stream().filter(m -> !m.available()).map(MethodAvailability::method)
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
}
