package org.rationale.dataset;

import org.rationale.error.Invalid;
import org.rationale.error.Conflict;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;
import org.rationale.project.Project;
import org.rationale.project.ProjectService;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Owns datasets and samples: imports a {@link SampleSource} in one transaction (all samples or
 * none), and answers the queries of the browser and the API.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    private static final int BATCH = 500;
    /** Transaction timeout of one import: long enough for millions of images. */
    public static final int IMPORT_TIMEOUT_SECONDS = 3600;
    private static final String INSERT = "insert into samples (dataset_id, project_id, split, label, source, width, "
            + "height, channels, shortcut_x, shortcut_y, shortcut_width, shortcut_height, image_png) "
            + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final ProjectService projects;
    private final org.rationale.audit.AuditLog audit;

    DatasetService(EntityManager em, AgroalDataSource dataSource, ProjectService projects,
                   org.rationale.audit.AuditLog audit) {
        this.audit = audit;
        this.em = em;
        this.dataSource = dataSource;
        this.projects = projects;
    }

    /**
     * Imports every sample of {@code source} into a new dataset of the project. Any failure, in the
     * source or in the database, rolls the whole import back. Callers open the transaction with a
     * timeout that fits a large import ({@link #IMPORT_TIMEOUT_SECONDS}).
     *
     * @param givenClassNames names for numeric (IDX) labels, by label; may be empty
     */
    @Transactional
    public Dataset importDataset(long projectId, String name, Split split, String origin, SampleSource source,
                                 List<String> givenClassNames) {
        long t0 = System.nanoTime();
        Project project = projects.lock(projectId);
        String datasetName = checkName(project, name);
        int[] labelMap;
        List<String> sourceNames = source.classNames();
        if (source.labelKind() == SampleSource.LabelKind.NUMERIC) {
            projects.ensureNumericLabels(project, sourceNames.size() - 1, givenClassNames);
            labelMap = null;
        } else {
            if (!givenClassNames.isEmpty()) {
                throw new Invalid("Class names come from the folders",
                        "Leave classNames out for an image-folder archive");
            }
            labelMap = projects.labelsForNames(project, sourceNames);
        }
        Dataset d = new Dataset();
        d.projectId = project.id;
        d.name = datasetName;
        d.split = split.value();
        d.format = source.format();
        d.origin = origin;
        d.persist();
        em.flush();

        int count = 0;
        Integer width = null;
        Integer height = null;
        Short channels = null;
        boolean uniform = true;
        java.security.MessageDigest content = sha256();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            while (source.hasNext()) {
                LabelledImage img = source.next();
                int label = labelMap == null ? img.label() : labelMap[img.label()];
                byte[] png = ImageCodec.encodePng(img.width(), img.height(), img.channels(), img.pixels());
                content.update(java.nio.ByteBuffer.allocate(8).putInt(label).putInt(png.length).array());
                content.update(png);
                ps.setLong(1, d.id);
                ps.setLong(2, project.id);
                ps.setString(3, d.split);
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
                ps.addBatch();
                if (++count % BATCH == 0) {
                    ps.executeBatch();
                }
                if (count == 1) {
                    width = img.width();
                    height = img.height();
                    channels = (short) img.channels();
                } else if (uniform && (width != img.width() || height != img.height() || channels != img.channels())) {
                    uniform = false;
                }
            }
            if (count % BATCH != 0) {
                ps.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Storing samples failed: " + e.getMessage(), e);
        }
        if (count == 0) {
            throw new InvalidDatasetException("Empty dataset", "The upload holds no samples");
        }
        d.sampleCount = count;
        if (uniform) {
            d.width = width;
            d.height = height;
            d.channels = channels;
        }
        audit.record("dataset.import", "dataset:" + d.id, project.id, org.rationale.audit.AuditLog.details(
                "name", d.name, "split", d.split, "format", d.format, "origin", d.origin, "samples", count,
                "width", d.width, "height", d.height, "channels", d.channels, "classNames", sourceNames,
                "contentSha256", java.util.HexFormat.of().formatHex(content.digest())));
        LOG.infof("Imported %d samples into dataset '%s' of project %d in %d ms", count, d.name, project.id,
                (System.nanoTime() - t0) / 1_000_000);
        return d;
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setNullableInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private String checkName(Project project, String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            throw new Invalid("Dataset name is required", "Give the dataset a non-blank name");
        }
        if (n.length() > 200) {
            throw new Invalid("Dataset name is too long", "At most 200 characters, got " + n.length());
        }
        if (Dataset.count("projectId = ?1 and lower(name) = lower(?2)", project.id, n) > 0) {
            throw new Conflict("Dataset name already taken",
                    "Project '" + project.name + "' already has a dataset named '" + n + "'");
        }
        return n;
    }

    @Transactional
    public boolean projectMissing(long projectId) {
        return projects.find(projectId).isEmpty();
    }

    @Transactional
    public List<Dataset> datasetsOf(long projectId) {
        return Dataset.list("projectId = ?1 order by id", projectId);
    }

    /** Sample counts of a project by split, in the order train, validation, test. */
    @Transactional
    public Map<String, Long> countsBySplit(long projectId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            counts.put(s.value(), 0L);
        }
        List<Object[]> rows = em.createQuery(
                        "select d.split, sum(d.sampleCount) from Dataset d where d.projectId = ?1 group by d.split",
                        Object[].class)
                .setParameter(1, projectId).getResultList();
        for (Object[] r : rows) {
            counts.put((String) r[0], ((Number) r[1]).longValue());
        }
        return counts;
    }

    /** One page of a project's samples, filtered by split and label when given, in import order. */
    @Transactional
    public SamplePage samples(long projectId, Split split, Integer label, int offset, int limit) {
        StringBuilder where = new StringBuilder("projectId = :project");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("project", projectId);
        if (split != null) {
            where.append(" and split = :split");
            params.put("split", split.value());
        }
        if (label != null) {
            where.append(" and label = :label");
            params.put("label", label);
        }
        long total = Sample.count(where.toString(), params);
        List<Sample> items = total == 0 || offset >= total ? new ArrayList<>()
                : Sample.<Sample>find(where + " order by id", params).range(offset, offset + limit - 1).list();
        return new SamplePage(total, offset, limit, items);
    }

    /** A page of samples and the total that matched. */
    public record SamplePage(long total, int offset, int limit, List<Sample> items) {
    }

    /**
     * The samples with these ids that exist, in id order, read for computing (not managed: one
     * array-parameter query instead of an entity query whose SQL changes with every list size).
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Sample> samples(java.util.Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = em.createNativeQuery("select id, dataset_id, project_id, split, label, source, width, height, "
                        + "channels, shortcut_x, shortcut_y, shortcut_width, shortcut_height from samples "
                        + "where id = any(cast(?1 as bigint[])) order by id")
                .setParameter(1, org.rationale.database.PgArray.ofLongs(ids)).getResultList();
        List<Sample> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            Sample s = new Sample();
            s.id = ((Number) r[0]).longValue();
            s.datasetId = ((Number) r[1]).longValue();
            s.projectId = ((Number) r[2]).longValue();
            s.split = (String) r[3];
            s.label = ((Number) r[4]).intValue();
            s.source = (String) r[5];
            s.width = ((Number) r[6]).intValue();
            s.height = ((Number) r[7]).intValue();
            s.channels = ((Number) r[8]).shortValue();
            s.shortcutX = r[9] == null ? null : ((Number) r[9]).intValue();
            s.shortcutY = r[10] == null ? null : ((Number) r[10]).intValue();
            s.shortcutWidth = r[11] == null ? null : ((Number) r[11]).intValue();
            s.shortcutHeight = r[12] == null ? null : ((Number) r[12]).intValue();
            out.add(s);
        }
        return out;
    }

    @Transactional
    public Optional<Sample> sample(long id) {
        return Sample.findByIdOptional(id);
    }

    @Transactional
    public Optional<Dataset> dataset(long id) {
        return Dataset.findByIdOptional(id);
    }

    /** One labelled image for training or evaluation. */
    public record LabelledPixels(long sampleId, int label, int width, int height, int channels, byte[] pixels) {
    }

    /** Every sample of a project's split, decoded, in id order (for training and evaluation). */
    @Transactional
    public List<LabelledPixels> pixels(long projectId, Split split) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, label, image_png from samples where project_id = ?1 "
                        + "and split = ?2 order by id")
                .setParameter(1, projectId).setParameter(2, split.value()).getResultList();
        List<LabelledPixels> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            ImageCodec.Pixels px = ImageCodec.decodePng((byte[]) r[2]);
            out.add(new LabelledPixels(((Number) r[0]).longValue(), ((Number) r[1]).intValue(), px.width(), px.height(),
                    px.channels(), px.data()));
        }
        return out;
    }

    /** The stored PNGs of many samples, by id, in one query. */
    @Transactional
    @SuppressWarnings("unchecked")
    public java.util.Map<Long, byte[]> imagePngs(java.util.Collection<Long> ids) {
        java.util.Map<Long, byte[]> out = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<Object[]> rows = em.createNativeQuery("select id, image_png from samples where id = any(cast(?1 as bigint[]))")
                .setParameter(1, org.rationale.database.PgArray.ofLongs(ids))
                .getResultList();
        rows.forEach(r -> out.put(((Number) r[0]).longValue(), (byte[]) r[1]));
        return out;
    }

    /** The stored PNG of a sample. */
    @Transactional
    public Optional<byte[]> imagePng(long sampleId) {
        List<?> rows = em.createNativeQuery("select image_png from samples where id = ?1")
                .setParameter(1, sampleId).getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of((byte[]) rows.get(0));
    }
}
