package org.rationale.dataset;

import org.rationale.security.ProjectScoped;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.Set;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;
import org.rationale.database.PgArray;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All the SQL of the tables {@code datasets} (one imported batch of a project, in one split) and
 * {@code samples} (one labelled image each, its pixels as PNG in {@code image_png}, which the
 * {@link Sample} entity leaves unmapped): the bulk insert of an import, pages of samples, counts by
 * split and the image bytes. Returns entities and records.
 */
@ApplicationScoped
@Owns({"datasets", "samples"})
public class SampleStore implements ProjectScoped {

    private static final int BATCH = 500;
    private static final String INSERT = "insert into samples (dataset_id, project_id, split, label, source, width, "
            + "height, channels, shortcut_x, shortcut_y, shortcut_width, shortcut_height, image_png, content_sha256) "
            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ROW = "insert into samples (dataset_id, project_id, split, label, source, width, "
            + "height, channels, row_values) values (?, ?, ?, ?, ?, ?, 1, 1, cast(? as jsonb))";

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    /** A sample's label and stored PNG. */
    public record LabelledPng(long sampleId, int label, byte[] png) {
    }

    /** Whether the project has a dataset of this name, ignoring case. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean datasetNameTaken(long projectId, String name) {
        return Dataset.count("projectId = ?1 and lower(name) = lower(?2)", projectId, name) > 0;
    }

    /** Stores a new dataset so that it has an id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(Dataset d) {
        d.persist();
        em.flush();
    }

    /**
     * Stores a new CSV dataset with its feature columns (its sample count, the rows' width, known
     * before the rows are written) and answers it, managed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Dataset insertTable(long projectId, String name, Split split, int rows, String origin,
                               List<TableColumn> columns) {
        Long id = (Long) em.createNativeQuery("insert into datasets (project_id, name, split, format, sample_count, "
                        + "width, height, channels, origin, columns) values (?1, ?2, ?3, 'csv', ?4, ?5, 1, 1, ?6, "
                        + "cast(?7 as jsonb)) returning id", Long.class)
                .setParameter(1, projectId).setParameter(2, name).setParameter(3, split.value()).setParameter(4, rows)
                .setParameter(5, columns.size()).setParameter(6, origin).setParameter(7, TableJson.of(columns))
                .getSingleResult();
        return Dataset.findById(id);
    }

    /**
     * Opens a writer of the samples of a dataset: JDBC batches of {@value #BATCH} rows on the
     * transaction's connection. {@link SampleWriter#finish} writes the last batch; closing without it
     * writes nothing more (the failed import rolls back).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public SampleWriter writer(Dataset d) {
        Connection c = connection();
        try {
            return new SampleWriter(d, c, c.prepareStatement(INSERT));
        } catch (SQLException e) {
            closeAfter(c, e);
            throw failed(e);
        }
    }

    /**
     * Opens a writer of the table rows of a CSV dataset, as {@link #writer}: each row a sample
     * {@code width} = the dataset's feature columns wide, 1 high, 1 channel, with its values and no PNG.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public RowWriter rowWriter(Dataset d) {
        Connection c = connection();
        try {
            return new RowWriter(d, c, c.prepareStatement(INSERT_ROW));
        } catch (SQLException e) {
            closeAfter(c, e);
            throw failed(e);
        }
    }

    private Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static void closeAfter(Connection c, SQLException failure) {
        try {
            c.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** One insert statement run in JDBC batches on the transaction's connection. */
    abstract static class Batches implements AutoCloseable {
        final Dataset dataset;
        private final Connection connection;
        final PreparedStatement ps;
        private int pending;

        Batches(Dataset dataset, Connection connection, PreparedStatement ps) {
            this.dataset = dataset;
            this.connection = connection;
            this.ps = ps;
        }

        /** Adds the statement's parameters as set to the batch, writing the batch when it is full. */
        void added() throws SQLException {
            ps.addBatch();
            if (++pending == BATCH) {
                ps.executeBatch();
                pending = 0;
            }
        }

        /** Writes the rows still pending. */
        public void finish() {
            try {
                if (pending > 0) {
                    ps.executeBatch();
                    pending = 0;
                }
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public void close() {
            try (connection; ps) {
                pending = 0;
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    /** Writes the image samples of one dataset in JDBC batches. */
    public static final class SampleWriter extends Batches {

        private SampleWriter(Dataset dataset, Connection connection, PreparedStatement ps) {
            super(dataset, connection, ps);
        }

        /** Adds one sample with its label in the project's label space and its image as PNG. */
        public void add(int label, LabelledImage img, byte[] png) {
            try {
                ps.setLong(1, dataset.id);
                ps.setLong(2, dataset.projectId);
                ps.setString(3, dataset.split);
                ps.setInt(4, label);
                ps.setString(5, img.source());
                ps.setInt(6, img.width());
                ps.setInt(7, img.height());
                ps.setShort(8, (short) img.channels());
                LabelledImage.Box b = img.shortcut();
                setNullableInt(ps, 9, b == null ? null : b.x());
                setNullableInt(ps, 10, b == null ? null : b.y());
                setNullableInt(ps, 11, b == null ? null : b.width());
                setNullableInt(ps, 12, b == null ? null : b.height());
                ps.setBytes(13, png);
                ps.setBytes(14, sha256(png));
                added();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the table rows of one CSV dataset in JDBC batches. */
    public static final class RowWriter extends Batches {

        private RowWriter(Dataset dataset, Connection connection, PreparedStatement ps) {
            super(dataset, connection, ps);
        }

        /** Adds one row with its label in the project's label space, its source and its values (every feature column). */
        public void add(int label, String source, Map<String, Object> values) {
            try {
                ps.setLong(1, dataset.id);
                ps.setLong(2, dataset.projectId);
                ps.setString(3, dataset.split);
                ps.setInt(4, label);
                ps.setString(5, source);
                ps.setInt(6, values.size());
                ps.setString(7, TableJson.of(values));
                added();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("Storing samples failed: " + e.getMessage(), e);
    }

    private static void setNullableInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    /** The datasets of a project, by id. */
    @Transactional
    public List<Dataset> datasets(long projectId) {
        return Dataset.list("projectId = ?1 order by id", projectId);
    }

    @Transactional
    public Optional<Dataset> dataset(long id) {
        return Dataset.findByIdOptional(id);
    }

    /** How many samples the project's datasets hold, by split; splits without samples are left out. */
    @Transactional
    public Map<String, Long> sampleCountsBySplit(long projectId) {
        List<Tuple> rows = em.createQuery("select d.split as split, sum(d.sampleCount) as samples from Dataset d "
                        + "where d.projectId = ?1 group by d.split", Tuple.class)
                .setParameter(1, projectId).getResultList();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Tuple t : rows) {
            out.put(t.get("split", String.class), t.get("samples", Long.class));
        }
        return out;
    }

    /** How many samples of the project match the split and label (each when given). */
    @Transactional
    public long count(long projectId, Split split, Integer label) {
        Filter f = new Filter(projectId, split, label);
        return Sample.count(f.where(), f.params());
    }

    /** One page of the project's samples matching the split and label (each when given), in import order. */
    @Transactional
    public List<Sample> page(long projectId, Split split, Integer label, int offset, int limit) {
        Filter f = new Filter(projectId, split, label);
        return Sample.<Sample>find(f.where() + " order by id", f.params()).range(offset, offset + limit - 1).list();
    }

    private record Filter(long projectId, Split split, Integer label) {
        String where() {
            return "projectId = :project" + (split == null ? "" : " and split = :split")
                    + (label == null ? "" : " and label = :label");
        }

        Map<String, Object> params() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("project", projectId);
            if (split != null) {
                params.put("split", split.value());
            }
            if (label != null) {
                params.put("label", label);
            }
            return params;
        }
    }

    @Transactional
    public Optional<Sample> sample(long id) {
        return Sample.findByIdOptional(id);
    }

    /**
     * The samples with these ids that exist, in id order, not managed: one array-parameter query
     * instead of an entity query whose SQL changes with every list size.
     */
    @Transactional
    public List<Sample> samples(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, dataset_id, project_id, split, label, source, width, height, "
                        + "channels, shortcut_x, shortcut_y, shortcut_width, shortcut_height, row_values is not null as table_row "
                        + "from samples "
                        + "where id = any(cast(?1 as bigint[])) order by id", Tuple.class)
                .setParameter(1, PgArray.ofLongs(ids)).getResultList();
        List<Sample> out = new ArrayList<>(rows.size());
        for (Tuple t : rows) {
            out.add(sample(t));
        }
        return out;
    }

    private static Sample sample(Tuple t) {
        Sample s = new Sample();
        s.id = t.get("id", Long.class);
        s.datasetId = t.get("dataset_id", Long.class);
        s.projectId = t.get("project_id", Long.class);
        s.split = t.get("split", String.class);
        s.label = t.get("label", Integer.class);
        s.source = t.get("source", String.class);
        s.width = t.get("width", Integer.class);
        s.height = t.get("height", Integer.class);
        s.channels = t.get("channels", Short.class);
        s.shortcutX = t.get("shortcut_x", Integer.class);
        s.shortcutY = t.get("shortcut_y", Integer.class);
        s.shortcutWidth = t.get("shortcut_width", Integer.class);
        s.shortcutHeight = t.get("shortcut_height", Integer.class);
        s.tableRow = t.get("table_row", Boolean.class);
        return s;
    }

    /** The label and PNG of every image sample of a project's split, in id order (table rows are left out). */
    @Transactional
    public List<LabelledPng> pngs(long projectId, Split split) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, label, image_png from samples where project_id = ?1 "
                        + "and split = ?2 and image_png is not null order by id", Tuple.class)
                .setParameter(1, projectId).setParameter(2, split.value()).getResultList();
        List<LabelledPng> out = new ArrayList<>(rows.size());
        for (Tuple t : rows) {
            out.add(new LabelledPng(t.get("id", Long.class), t.get("label", Integer.class),
                    t.get("image_png", byte[].class)));
        }
        return out;
    }

    /** The stored PNGs of many samples, by id, in one query; table rows (no PNG) are left out. */
    @Transactional
    public Map<Long, byte[]> pngs(Collection<Long> ids) {
        Map<Long, byte[]> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, image_png from samples where id = any(cast(?1 as bigint[])) "
                        + "and image_png is not null",
                        Tuple.class)
                .setParameter(1, PgArray.ofLongs(ids)).getResultList();
        rows.forEach(t -> out.put(t.get("id", Long.class), t.get("image_png", byte[].class)));
        return out;
    }

    /** The stored PNG of a sample; empty when there is no such sample or it is a table row. */
    @Transactional
    public Optional<byte[]> png(long sampleId) {
        List<?> rows = em.createNativeQuery("select image_png from samples where id = ?1 and image_png is not null")
                .setParameter(1, sampleId).getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of((byte[]) rows.get(0));
    }

    /** A sample's project and image size. */
    public record Frame(long projectId, int width, int height) {
    }

    /** The project and image size of a sample; empty when there is no such sample. */
    public Optional<Frame> frame(long sampleId) {
        List<Tuple> rows = em.createNativeQuery("select project_id, width, height from samples where id = ?1", Tuple.class)
                .setParameter(1, sampleId).getResultList();
        return rows.stream().findFirst().map(t -> new Frame(t.get("project_id", Number.class).longValue(),
                t.get("width", Number.class).intValue(), t.get("height", Number.class).intValue()));
    }

    /**
     * The review overlap rule on sample {@code s} for reviewer ?3 under model ?4 with overlap ?5:
     * fewer than ?5 other reviewers hold or judged it (for one reviewer a sample, the usual case, two
     * anti-joins that stop at the first row instead of two counts).
     */
    private static String openToReviewer(int overlap) {
        return overlap == 1 ? "not exists (select 1 from reviews r where r.sample_id = s.id "
                + "and r.model_version_id = ?4) and not exists (select 1 from review_reservations x where "
                + "x.sample_id = s.id and x.user_id <> ?3 and x.reserved_until > now()) and ?5 = 1 "
                : "not exists (select 1 from reviews r where r.sample_id = s.id and r.user_id = ?3 "
                + "and r.model_version_id = ?4) "
                + "and (select count(*) from review_reservations x where x.sample_id = s.id and x.user_id <> ?3 "
                + "and x.reserved_until > now()) + (select count(distinct r.user_id) from reviews r where "
                + "r.sample_id = s.id and r.model_version_id = ?4 and r.user_id <> ?3 and not exists (select 1 "
                + "from review_reservations x where x.sample_id = s.id and x.user_id = r.user_id "
                + "and x.reserved_until > now())) < ?5 ";
    }

    /**
     * The first sample of a split in the project's stored review queue (model, strategy) that the
     * reviewer has not judged and the overlap leaves to them, not among {@code skip}. (project,
     * model, strategy) is the queue key's prefix: a walk in position order, whatever the statistics say.
     */
    public Optional<Long> firstQueuedToReview(long projectId, String split, long user, long modelId, int overlap,
                                              Collection<Long> skip, String strategy) {
        List<Long> ids = em.createNativeQuery("select s.id from samples s join review_queue q on q.sample_id = s.id "
                        + "where q.project_id = ?1 and q.model_version_id = ?4 and q.strategy = ?7 and s.split = ?2 "
                        + "and not (s.id = any(cast(?6 as bigint[]))) and " + openToReviewer(overlap)
                        + "order by q.position limit 1", Long.class)
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                .setParameter(5, overlap).setParameter(6, PgArray.ofLongs(skip)).setParameter(7, strategy)
                .getResultList();
        return ids.stream().findFirst();
    }

    /** The first sample of a split in id order that the reviewer has not judged and the overlap leaves to them. */
    public Optional<Long> firstToReview(long projectId, String split, long user, long modelId, int overlap,
                                        Collection<Long> skip) {
        List<Long> ids = em.createNativeQuery("select s.id from samples s where s.project_id = ?1 and s.split = ?2 "
                        + "and not (s.id = any(cast(?6 as bigint[]))) and " + openToReviewer(overlap)
                        + "order by s.id limit 1", Long.class)
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, user).setParameter(4, modelId)
                .setParameter(5, overlap).setParameter(6, PgArray.ofLongs(skip)).getResultList();
        return ids.stream().findFirst();
    }

    /** The first {@code size} training samples of a project in a fixed pseudo-random order (the scheduler's pool). */
    public List<Long> trainingPool(long projectId, int size) {
        return em.createNativeQuery("select id from samples where project_id = ?1 and split = 'train' "
                        + "order by hashtextextended(id::text, 7), id limit ?2", Long.class)
                .setParameter(1, projectId).setParameter(2, size).getResultList();
    }

    /**
     * Up to {@code limit} samples of a project's split in a pseudo-random order fixed by {@code seed}: a spread
     * of the split whatever order it was imported in (an archive arrives class by class).
     */
    @Transactional
    public List<Long> drawnFromSplit(long projectId, String split, long seed, int limit) {
        return em.createNativeQuery("select id from samples where project_id = ?1 and split = ?2 "
                        + "order by hashtextextended(id::text, ?3), id limit ?4", Long.class)
                .setParameter(1, projectId).setParameter(2, split).setParameter(3, seed).setParameter(4, limit)
                .getResultList();
    }

    /** The project of a sample, if it exists. */
    @Transactional
    public Optional<Long> projectOfSample(long sampleId) {
        List<?> ids = em.createNativeQuery("select project_id from samples where id = ?1").setParameter(1, sampleId)
                .getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }

    /** The project of a dataset, if it exists. */
    @Transactional
    public Optional<Long> projectOfDataset(long datasetId) {
        List<?> ids = em.createNativeQuery("select project_id from datasets where id = ?1").setParameter(1, datasetId)
                .getResultList();
        return ids.stream().findFirst().map(id -> ((Number) id).longValue());
    }

    @Override
    public Set<Thing> things() {
        return EnumSet.of(Thing.SAMPLE, Thing.DATASET);
    }

    /** The project of a sample or dataset (for access checks). */
    @Override
    @Transactional
    public Optional<Long> projectOf(Thing thing, long id) {
        return thing == Thing.DATASET ? projectOfDataset(id) : projectOfSample(id);
    }

    /**
     * Up to {@code limit} training samples of a project that are not of class {@code label} (any
     * class when null), in a pseudo-random order fixed by {@code seed}: images to paste a region
     * from, and a spread of the data to take its mean over (reliance by intervention).
     */
    @Transactional
    public List<Long> drawnTrainingSamples(long projectId, Integer label, long seed, int limit) {
        return em.createNativeQuery("select id from samples where project_id = ?1 and split = 'train' "
                        + "and (cast(?2 as integer) is null or label <> cast(?2 as integer)) "
                        + "order by hashtextextended(id::text, ?3), id limit ?4", Long.class)
                .setParameter(1, projectId).setParameter(2, label).setParameter(3, seed).setParameter(4, limit)
                .getResultList();
    }

    /** Up to {@code limit} samples of a project with a known shortcut box, in a fixed pseudo-random order. */
    @Transactional
    public List<Long> withKnownShortcut(long projectId, int limit) {
        return em.createNativeQuery("select id from samples where project_id = ?1 and shortcut_x is not null "
                        + "order by hashtextextended(id::text, 11), id limit ?2", Long.class)
                .setParameter(1, projectId).setParameter(2, limit).getResultList();
    }

    /** The feature columns of a CSV dataset in file order; empty for an image dataset or none. */
    @Transactional
    public List<TableColumn> columns(long datasetId) {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("select cast(columns as text) from datasets where id = ?1 "
                + "and columns is not null").setParameter(1, datasetId).getResultList();
        return rows.isEmpty() ? List.of() : TableJson.columns(rows.get(0));
    }

    /**
     * Samples of a dataset that reappear in another split of its project, per other dataset: how many rows
     * share an id (only rows read with an id column, source {@code id …}), and how many rows equal a row there
     * in every feature, or images one there in every pixel (the same stored PNG), each with the first such
     * sample's source. Ids are unique in a dataset, and the other splits'
     * rows are made distinct before the join: each row meets at most one row of each other dataset, so a table
     * of a few repeated values (one boolean feature) costs as little as any.
     */
    @Transactional
    public List<SplitOverlap> overlapWithOtherSplits(long datasetId) {
        Object others = em.createNativeQuery("select exists (select 1 from datasets o join datasets d on d.id = ?1 "
                + "where o.project_id = d.project_id and o.split <> d.split and (o.columns is null) = (d.columns is null))")
                .setParameter(1, datasetId).getSingleResult();
        if (!Boolean.TRUE.equals(others)) {
            // the first dataset of a project, or of its only split so far: nothing to compare with
            return List.of();
        }
        // a table's rows compare their values, images the hash of their pixels (both columns named here only)
        boolean table = !em.createNativeQuery("select 1 from datasets where id = ?1 and columns is not null")
                .setParameter(1, datasetId).getResultList().isEmpty();
        String content = table ? "row_values" : "content_sha256";
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("""
                        with n as (select id, project_id, split, source, CONTENT as content from samples
                            where dataset_id = ?1),
                        ids as (select o.dataset_id, count(*) as c, (array_agg(n.source order by n.id))[1] as ex
                            from n join samples o on o.project_id = n.project_id and o.source = n.source and o.split <> n.split
                            where n.source like 'id %' and o.row_values is not null and n.content is not null
                            group by o.dataset_id),
                        other as (select distinct o.dataset_id, o.CONTENT as content from samples o
                            join datasets d on d.id = ?1
                            where o.project_id = d.project_id and o.split <> d.split and o.CONTENT is not null),
                        vals as (select o.dataset_id, count(*) as c, (array_agg(n.source order by n.id))[1] as ex
                            from n join other o on o.content = n.content group by o.dataset_id)
                        select d.name, d.split, coalesce(ids.c, 0) as same_id, ids.ex as id_example,
                            coalesce(vals.c, 0) as same_values, vals.ex as values_example
                        from datasets d left join ids on ids.dataset_id = d.id left join vals on vals.dataset_id = d.id
                        where ids.c is not null or vals.c is not null order by d.id""".replace("CONTENT", content),
                        Tuple.class)
                .setParameter(1, datasetId).getResultList();
        return rows.stream().map(t -> new SplitOverlap(t.get("name", String.class), t.get("split", String.class),
                ((Number) t.get("same_id")).longValue(), t.get("id_example", String.class),
                ((Number) t.get("same_values")).longValue(), t.get("values_example", String.class))).toList();
    }

    /** Rows of one dataset found again in {@code dataset} of another split (see {@link #overlapWithOtherSplits}). */
    public record SplitOverlap(String dataset, String split, long sameId, String idExample, long sameValues,
                               String valuesExample) {
    }

    /** The values of the table rows among these samples, by sample id (image samples are left out). */
    @Transactional
    public Map<Long, Map<String, Object>> rows(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, cast(row_values as text) as row_values from samples "
                        + "where id = any(cast(?1 as bigint[])) and row_values is not null order by id", Tuple.class)
                .setParameter(1, PgArray.ofLongs(ids)).getResultList();
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        for (Tuple t : rows) {
            out.put(t.get("id", Long.class), TableJson.row(t.get("row_values", String.class)));
        }
        return out;
    }

    /**
     * The values of up to {@code limit} table rows of a project's split whose ids are above
     * {@code afterId}, by sample id in id order: keyset paging, each page as cheap as the first.
     */
    @Transactional
    public Map<Long, Map<String, Object>> rowsAfter(long projectId, Split split, long afterId, int limit) {
        @SuppressWarnings("unchecked")
        List<Tuple> rows = em.createNativeQuery("select id, cast(row_values as text) as row_values from samples "
                        + "where project_id = ?1 and split = ?2 and id > ?3 and row_values is not null order by id limit ?4",
                        Tuple.class)
                .setParameter(1, projectId).setParameter(2, split.value()).setParameter(3, afterId).setParameter(4, limit)
                .getResultList();
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        for (Tuple t : rows) {
            out.put(t.get("id", Long.class), TableJson.row(t.get("row_values", String.class)));
        }
        return out;
    }

    /**
     * Up to {@code limit} training samples of a project in the order of {@link #drawnTrainingSamples}
     * for {@code seed}, from the datasets created up to {@code importedUpTo}.
     */
    @Transactional
    public List<Long> drawnTrainingSamplesImportedBy(long projectId, long seed, int limit, OffsetDateTime importedUpTo) {
        return em.createNativeQuery("select s.id from samples s join datasets d on d.id = s.dataset_id "
                        + "where s.project_id = ?1 and s.split = 'train' and d.created_at <= ?2 "
                        + "order by hashtextextended(s.id::text, ?3), s.id limit ?4", Long.class)
                .setParameter(1, projectId).setParameter(2, importedUpTo).setParameter(3, seed).setParameter(4, limit)
                .getResultList();
    }
}
