package org.rationale.dataset;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Where a table row's values sit among the training rows of its project: a numeric value's
 * percentile ("82nd percentile of training"), a category's or a boolean's share of the training
 * rows ("B — 48 % of training rows"). The training rows are summarised once per version of the
 * project's training datasets (their ids and sizes) — once, however many reviewers ask at the same
 * time, and ahead of the first row when a review opens ({@link #prepare}) — into at most {@link #QUANTILES} quantiles per
 * numeric column and counts per category; at most {@link #CACHED} projects' summaries are kept,
 * the least recently used dropped first, and at most {@link #MOST_ROWS} training rows are read (fewer
 * of a table so wide that they would hold more than {@link #MOST_VALUES} values), a page at a time
 * after the last id read (not by offset, which would read the rows before it again for every page).
 */
@ApplicationScoped
public class TrainingDistribution {

    /** Summaries kept at once. */
    static final int CACHED = 16;
    /** Quantiles kept per numeric column (percentiles at half-percent steps). */
    static final int QUANTILES = 201;
    /** Training rows read for one summary, in import order. */
    static final int MOST_ROWS = 200_000;
    /** Values (rows × columns) read for one summary: fewer rows of a very wide table. */
    static final int MOST_VALUES = 4_000_000;
    private static final int PAGE = 1000;
    private static final Logger LOG = Logger.getLogger(TrainingDistribution.class);
    /** Summaries computed since start (each reads the training rows once). */
    private final AtomicInteger computed = new AtomicInteger();

    private final DatasetService datasets;
    private final Map<Long, Kept> cache = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Kept> eldest) {
            return size() > CACHED;
        }
    };
    /** Summaries prepared ahead: one at a time, a few waiting. */
    private final ManagedExecutor background = ManagedExecutor.builder().maxAsync(1).maxQueued(CACHED)
            .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();

    TrainingDistribution(DatasetService datasets) {
        this.datasets = datasets;
    }

    /** What the training rows say about a column: its quantiles (numeric) or its value counts, and the rows read. */
    private record Column(double[] quantiles, Map<String, Integer> counts, int rows) {
    }

    private record Summary(Map<String, Column> columns) {
    }

    /** A summary of one version of the training rows (their datasets' ids and sizes), done or being computed. */
    private record Kept(String version, CompletableFuture<Summary> summary) {
    }

    /**
     * Each value of the row in words against the project's training rows, by column name: a
     * percentile for a number, a share for a category or boolean; a column without training
     * values, or a missing value, has none.
     */
    public Map<String, String> standing(long projectId, Map<String, Object> values) {
        Summary s = summary(projectId);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Column c = s.columns().get(e.getKey());
            if (c == null || c.rows() == 0 || e.getValue() == null) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof Number n && c.quantiles() != null) {
                out.put(e.getKey(), ordinal(percentile(c.quantiles(), n.doubleValue())) + " percentile of training");
            } else if (c.counts() != null) {
                String key = key(v);
                int count = c.counts().getOrDefault(key, 0);
                out.put(e.getKey(), key + " — " + share(count, c.rows()) + " of training rows");
            }
        }
        return out;
    }

    /**
     * Summarises the project's training rows in the background unless a summary of their current
     * version is kept or under way, so that the first row a reviewer opens finds it ready; returns at
     * once. Too many waiting: nothing is started (the first row asked computes it).
     */
    public void prepare(long projectId) {
        try {
            background.execute(() -> {
                try {
                    summary(projectId);
                } catch (RuntimeException e) {
                    LOG.debugf("summary of project %d not prepared: %s", projectId, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debugf("summary of project %d not prepared: too many waiting", projectId);
        }
    }

    @PreDestroy
    void stop() {
        background.shutdownNow();
    }

    /**
     * The summary of the current version of the project's training rows: the kept one, or the one
     * another thread is computing (waited for, never computed twice at once), or computed here.
     */
    private Summary summary(long projectId) {
        List<Dataset> train = datasets.datasetsOf(projectId).stream()
                .filter(d -> d.split.equals(Split.TRAIN.value()) && DatasetService.CSV.equals(d.format)).toList();
        String version = train.stream().map(d -> d.id + ":" + d.sampleCount).collect(Collectors.joining(","));
        Kept mine = null;
        Kept kept;
        synchronized (cache) {
            kept = cache.get(projectId);
            if (kept == null || kept.summary().isCompletedExceptionally() || !kept.version().equals(version)) {
                mine = new Kept(version, new CompletableFuture<>());
                cache.put(projectId, mine);
                kept = mine;
            }
        }
        if (mine != null) {
            try {
                mine.summary().complete(new Summary(summarise(projectId)));
            } catch (RuntimeException | Error e) {
                synchronized (cache) {
                    cache.remove(projectId, mine);
                }
                mine.summary().completeExceptionally(e);
                throw e;
            }
        }
        try {
            return kept.summary().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Summaries computed so far: the training rows read, once per summary. */
    int computed() {
        return computed.get();
    }

    private Map<String, Column> summarise(long projectId) {
        computed.incrementAndGet();
        List<TableColumn> columns = datasets.tableColumns(projectId);
        Map<String, double[]> numbers = new HashMap<>();
        Map<String, Integer> filled = new HashMap<>();
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        Map<String, Integer> rows = new HashMap<>();
        int most = Math.max(1, Math.min(MOST_ROWS, MOST_VALUES / Math.max(1, columns.size())));
        int read = 0;
        long after = 0;
        while (read < most) {
            Map<Long, Map<String, Object>> page = datasets.rowsAfter(projectId, Split.TRAIN, after,
                    Math.min(PAGE, most - read));
            if (page.isEmpty()) {
                break;
            }
            read += page.size();
            for (Map.Entry<Long, Map<String, Object>> entry : page.entrySet()) {
                after = entry.getKey();
                Map<String, Object> values = entry.getValue();
                for (TableColumn c : columns) {
                    Object v = values.get(c.name());
                    if (v == null) {
                        continue;
                    }
                    rows.merge(c.name(), 1, Integer::sum);
                    if (c.type() == TableColumn.Type.NUMERIC && v instanceof Number n) {
                        int at = filled.getOrDefault(c.name(), 0);
                        double[] a = numbers.computeIfAbsent(c.name(), k -> new double[Math.min(most, 1024)]);
                        if (at == a.length) {
                            a = Arrays.copyOf(a, Math.min(most, a.length * 2));
                            numbers.put(c.name(), a);
                        }
                        a[at] = n.doubleValue();
                        filled.put(c.name(), at + 1);
                    } else if (c.type() != TableColumn.Type.NUMERIC) {
                        counts.computeIfAbsent(c.name(), k -> new HashMap<>()).merge(key(v), 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Column> out = new HashMap<>();
        for (TableColumn c : columns) {
            int n = rows.getOrDefault(c.name(), 0);
            if (c.type() == TableColumn.Type.NUMERIC) {
                double[] all = Arrays.copyOf(numbers.getOrDefault(c.name(), new double[0]), filled.getOrDefault(c.name(), 0));
                out.put(c.name(), new Column(quantiles(all), null, all.length));
            } else {
                out.put(c.name(), new Column(null, Map.copyOf(counts.getOrDefault(c.name(), Map.of())), n));
            }
        }
        return out;
    }

    /** A category as the review shows it: its name; a boolean as yes or no. */
    private static String key(Object v) {
        return v instanceof Boolean b ? (b ? "yes" : "no") : String.valueOf(v);
    }

    /** The values at {@link #QUANTILES} evenly spaced ranks of the sorted values (all of them when fewer). */
    static double[] quantiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (sorted.length <= QUANTILES) {
            return sorted;
        }
        double[] q = new double[QUANTILES];
        for (int i = 0; i < QUANTILES; i++) {
            q[i] = sorted[(int) Math.round(i * (sorted.length - 1) / (double) (QUANTILES - 1))];
        }
        return q;
    }

    /**
     * The percentile (0 to 100) of a value among sorted quantiles: the share of them below it, ties
     * counted half (so the median of the training values is the 50th).
     */
    static int percentile(double[] quantiles, double v) {
        if (quantiles.length == 0) {
            return 50;
        }
        int below = 0;
        int equal = 0;
        for (double q : quantiles) {
            if (q < v) {
                below++;
            } else if (q == v) {
                equal++;
            }
        }
        return (int) Math.round(100.0 * (below + equal / 2.0) / quantiles.length);
    }

    /** "1st", "22nd", "82nd", "13th". */
    static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static String share(int count, int rows) {
        double pct = 100.0 * count / rows;
        return pct > 0 && pct < 1 ? "under 1 %" : String.format(Locale.US, "%d %%", Math.round(pct));
    }
}
