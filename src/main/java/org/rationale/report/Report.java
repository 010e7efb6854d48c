package org.rationale.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An audit report of a project: what the JSON export holds field for field (its schema is
 * {@code /schemas/report.schema.json}), and what the PDF, HTML and CSV exports are drawn from.
 */
public record Report(int reportVersion, Instant generatedAt, String generatedBy, Scope scope, ProjectInfo project,
                     List<Model> models, List<Method> methods, List<Reviewer> reviewers, List<Verdict> verdicts,
                     List<VerdictOverride> overrides, Agreement agreement, Scheduler scheduler, List<Round> rounds,
                     List<Limit> limits, List<Regulation> regulation, AuditStatus audit) {

    /** What the report covers: every field null means the whole project. */
    public record Scope(Long modelId, Integer round, Instant from, Instant to, String description) {
    }

    /**
     * The project; {@code modality} is {@code images} or {@code tabular}, and a tabular project lists
     * its {@code features} (the columns of its tables; empty for images).
     */
    public record ProjectInfo(long id, String name, String description, List<String> classNames,
                              List<DatasetInfo> datasets, String modality, List<Feature> features) {
    }

    /** A column of a tabular project's tables: numeric, categorical (with its categories) or boolean. */
    public record Feature(String name, String type, List<String> categories) {
    }

    /** A dataset with the hash of its imported content (from the import's audit event). */
    public record DatasetInfo(long id, String name, String split, String format, int samples, String origin,
                              Instant importedAt, String contentSha256) {
    }

    /** A model version: identity, lineage (oldest first, ending with this one) and how it was made. */
    public record Model(long id, String name, int version, String kind, String origin, String sha256, Long parentId,
                        List<Long> lineage, Instant createdAt, Object training, Object spec, List<SanityOutcome> sanityChecks) {
    }

    /**
     * A randomisation check: {@code verdict} passed, failed or inconclusive (maps without signal, as
     * {@code noSignal} says; null otherwise).
     */
    public record SanityOutcome(String method, boolean passed, double finalSimilarity, double threshold, int samples,
                                String verdict, String noSignal) {
    }

    /**
     * A method with its parameters and the quality of its maps under one model version: how many maps
     * have no signal (all zero or constant) and how many a worker flagged when its self-check failed.
     */
    public record Method(long modelId, String method, String parameters, long maps, Double meanCompletenessGap,
                         Double maxCompletenessGap, long mapsWithCurves, Double meanDeletionAuc, Double meanInsertionAuc,
                         String sanityCheck, long mapsWithoutSignal, long mapsSelfCheckFlagged) {
    }

    public record Reviewer(String username, String role, long verdicts, long accepted, long rejected, long unsure) {
    }

    /** One verdict as it stands, with the map it judged and why the scheduler chose the sample. */
    public record Verdict(long reviewId, Instant at, String reviewer, String role, long sampleId, String split, int label,
                          String labelName, Integer predicted, String predictedName, Double confidence, long saliencyMapId,
                          String method, long modelId, String verdict, String comment, int version, Choice choice,
                          MaskAreas masks, Row row) {
    }

    /**
     * What a verdict on a table row judged (null on an image): the features with the largest
     * attributions of the judged map (by magnitude, signed), each with the row's value, and the
     * feature sets marked on the row as they stand when the report is made, and the attributions
     * of the marked features that are not among the top ones (so a marked shortcut's weight is
     * always shown).
     */
    public record Row(List<Attribution> topAttributions, List<MarkedFeatures> featureSets,
                      List<Attribution> markedAttributions) {
    }

    /**
     * A feature's signed attribution in a map of a row, with the row's value of that feature and its
     * rank by magnitude among the map's features (1: the largest).
     */
    public record Attribution(String feature, Object value, double attribution, int rank) {
    }

    /** A feature set marked on a row: its kind (relevant or shortcut) and its features' names. */
    public record MarkedFeatures(String kind, List<String> features) {
    }

    /** Painted pixels of the sample's masks as they stand when the report is made (0: none painted). */
    public record MaskAreas(int relevantPixels, int shortcutPixels) {
    }

    /** Why a sample was in front of the reviewer: its place in the scheduler's stored queue. */
    public record Choice(String strategy, int position, double score, Map<String, Double> components) {
    }

    /** A verdict changed or undone after it was first given (from the audit trail). */
    public record VerdictOverride(long seq, Instant at, String reviewer, String action, long sampleId, long saliencyMapId,
                           String from, String to) {
    }

    public record Agreement(int verdicts, List<Pair> pairs, Double krippendorffsAlpha, Double fleissKappa,
                            List<String> disagreements) {
    }

    public record Pair(String raterA, String raterB, int commonItems, double observedAgreement, Double kappa) {
    }

    public record Scheduler(String strategy, Map<String, Double> weights, String method, int pool, String explanation) {
    }

    public record Round(int number, String state, String strategy, int batchSize, String feedback, double lambda,
                       int epochs, long modelId, Long trainedModelId, int reviewedBefore, Integer reviewed, Integer masks,
                       Double testAccuracy, Double shortcutMass, String startedBy, Instant startedAt, Instant finishedAt,
                       Double startTestAccuracy, String model, String trainedModel, Double relianceDrop,
                       Double relianceFlipRate, Double parentAccuracy, List<Double> controlAccuracies, String verdict,
                       String verdictText, Boolean madeCurrent) {
    }

    /** A known limit of saliency, and whether (and how) this project's sanity checks tested it. */
    public record Limit(String limit, String explanation, boolean tested, String evidence) {
    }

    /** How the report answers one article of the EU AI Act. */
    public record Regulation(String article, String title, String requirement, String evidence) {
    }

    /** The chain as verified when the report was made. */
    public record AuditStatus(boolean valid, long events, Long firstBrokenSeq, String headHash, Long headSeq,
                              long projectEvents) {
    }
}
