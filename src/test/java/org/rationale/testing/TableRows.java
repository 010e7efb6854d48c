package org.rationale.testing;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Table rows stored the way a CSV import stores them (a dataset of format {@code csv} with its
 * columns, each row a sample of width F, height 1, channels 1, no PNG, its values as JSON), written
 * straight to the database: the tests of tabular models need rows before the CSV import exists.
 */
public final class TableRows {

    private TableRows() {
    }

    /** One row: its label index and its values as JSON, e.g. {@code {"age": 63, "site": "B"}}. */
    public record Row(int label, String valuesJson) {
    }

    /**
     * Stores a CSV dataset of the project with these columns ({@code datasets.columns} JSON, F of
     * them) and rows, names the project's classes when it has none yet, and returns the rows'
     * sample ids in order.
     */
    public static List<Long> insert(AgroalDataSource db, long projectId, String split, String name, String columnsJson,
                                    int columns, List<String> classNames, List<Row> rows) {
        try (Connection c = db.getConnection()) {
            for (int i = 0; i < classNames.size(); i++) {
                try (PreparedStatement ps = c.prepareStatement("insert into project_classes (project_id, label, name) "
                        + "values (?, ?, ?) on conflict do nothing")) {
                    ps.setLong(1, projectId);
                    ps.setInt(2, i);
                    ps.setString(3, classNames.get(i));
                    ps.executeUpdate();
                }
            }
            long dataset;
            try (PreparedStatement ps = c.prepareStatement("insert into datasets (project_id, name, split, format, "
                    + "sample_count, width, height, channels, origin, columns) values (?, ?, ?, 'csv', ?, ?, 1, 1, "
                    + "?, cast(? as jsonb)) returning id")) {
                ps.setLong(1, projectId);
                ps.setString(2, name);
                ps.setString(3, split);
                ps.setInt(4, rows.size());
                ps.setInt(5, columns);
                ps.setString(6, "upload:" + name + ".csv");
                ps.setString(7, columnsJson);
                dataset = single(ps);
            }
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                try (PreparedStatement ps = c.prepareStatement("insert into samples (dataset_id, project_id, split, "
                        + "label, source, width, height, channels, row_values) values (?, ?, ?, ?, ?, ?, 1, 1, "
                        + "cast(? as jsonb)) returning id")) {
                    ps.setLong(1, dataset);
                    ps.setLong(2, projectId);
                    ps.setString(3, split);
                    ps.setInt(4, rows.get(i).label());
                    ps.setString(5, name + ".csv row " + (i + 2));
                    ps.setInt(6, columns);
                    ps.setString(7, rows.get(i).valuesJson());
                    ids.add(single(ps));
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long single(PreparedStatement ps) throws SQLException {
        try (ResultSet r = ps.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
