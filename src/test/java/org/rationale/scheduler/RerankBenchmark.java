package org.rationale.scheduler;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rationale.testing.Host;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Re-ranking a million candidates (scores from stored parts, top places, a diverse batch of 20),
 * against the baseline of one pass that only reads every candidate's parts, in the same run.
 * Goal: ≤ 2 s. Run: {@code mvn test -Dtest=RerankBenchmark -DexcludedGroups=none}.
 */
@Tag("benchmark")
class RerankBenchmark {

    @Test
    void reranksAMillionCandidates() {
        int n = Integer.getInteger("bench.candidates", 1_000_000);
        Random r = new Random(1);
        ScoreTable t = new ScoreTable(n);
        for (int i = 0; i < n; i++) {
            t.ids[i] = i;
            t.entropy[i] = r.nextFloat();
            t.margin[i] = r.nextFloat();
            t.leastConfidence[i] = r.nextFloat();
            t.confidence[i] = r.nextFloat();
            t.hasMap[i] = true;
            t.annotated[i] = i % 100 == 0;
            if (t.annotated[i]) {
                t.shortcutMass[i] = r.nextFloat();
            }
            t.concentration[i] = r.nextFloat();
            t.priorShortcutMass[i] = r.nextFloat();
            for (int j = 0; j < ScoreTable.DIM; j++) {
                t.embeddings[i * ScoreTable.DIM + j] = r.nextFloat() / ScoreTable.DIM;
            }
        }
        StringBuilder json = new StringBuilder();
        for (Strategy s : List.of(Strategy.HYBRID, Strategy.DISAGREEMENT, Strategy.UNCERTAINTY, Strategy.RANDOM)) {
            double[] baseline = new double[5];
            double[] rerank = new double[5];
            for (int run = 0; run < 5; run++) {
                long t0 = System.nanoTime();
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += t.disagreement(i) + t.entropy[i];
                }
                baseline[run] = (System.nanoTime() - t0) / 1e6;
                if (sum < 0) {
                    throw new AssertionError();
                }
                long t1 = System.nanoTime();
                List<QueueRanker.Ranked> top = QueueRanker.rank(t, s, Weights.DEFAULT, 20, run, 5000);
                rerank[run] = (System.nanoTime() - t1) / 1e6;
                if (top.size() != 5000) {
                    throw new AssertionError("ranked " + top.size());
                }
            }
            Arrays.sort(baseline);
            Arrays.sort(rerank);
            System.out.printf(Locale.ROOT, "RERANK %s: %,d candidates, median %.0f ms (best %.0f, worst %.0f); one read "
                            + "pass %.0f ms; ratio %.1f%n", s.value(), n, rerank[2], rerank[0], rerank[4], baseline[2],
                    rerank[2] / baseline[2]);
            json.append(String.format(Locale.ROOT, ",\"%sMedianMs\":%.1f,\"%sBestMs\":%.1f,\"%sWorstMs\":%.1f,"
                    + "\"%sReadPassMs\":%.1f,\"%sRatio\":%.2f", s.value(), rerank[2], s.value(), rerank[0], s.value(),
                    rerank[4], s.value(), baseline[2], s.value(), rerank[2] / baseline[2]));
        }
        System.out.printf(Locale.ROOT, "BENCH {\"name\":\"rerank\",\"machine\":\"%s\",\"candidates\":%d%s}%n",
                Host.machine(), n, json);
    }
}
