package org.rationale.dataset;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.rationale.error.DomainError;
import org.rationale.error.Invalid;
import org.rationale.web.ControlCharacters;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A CSV file read as a table whose data rows become samples: RFC 4180 (a header row naming the
 * columns; a cell in double quotes when it holds a comma, a quote, written {@code ""}, or a line
 * break; CRLF or LF), UTF-8 with or without a byte-order mark. Spaces around a cell are ignored.
 * Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row row 2.
 *
 * <p>The file is read twice. {@link #scan} checks every row and infers each column's type before
 * anything is stored (numeric: every cell a finite number; boolean: every cell true or false, in
 * any case; else categorical, with at most {@value #MAX_CATEGORIES} categories), collecting the
 * problems of single rows so that a person fixes them all at once. {@link #rows} reads it again
 * inside the import's transaction and hands over each row converted to its columns' types; a file
 * that changed in between is refused. Memory is bounded by the limits here, not by the file: a row
 * is read only up to the characters its cells may hold.
 */
final class CsvTable {

    /** Most columns of a file (all of them: features, the label and the id). */
    static final int MAX_COLUMNS = 2000;
    /** Most characters of one cell (or column name). */
    static final int MAX_CELL_CHARS = 1000;
    /** Most categories of a categorical feature. */
    static final int MAX_CATEGORIES = 200;
    /** Most distinct values of the label column (the classes one file may bring). */
    static final int MAX_CLASSES = 1000;

    /** Cells that stand for a missing value, compared ignoring case; an empty cell is missing too. */
    static final List<String> MISSING = List.of("NA", "N/A", "?", "null", "NaN");
    private static final Set<String> MISSING_LOWER = MISSING.stream().map(m -> m.toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    /** A decimal number as spreadsheets write it: no hex, no Infinity, no type suffix. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d{1,9}");
    private static final CSVFormat FORMAT = CSVFormat.RFC4180;
    /** What bytes that are not UTF-8 decode to: a noncharacter, which no text holds. */
    private static final String NOT_UTF8 = "\uFFFF";

    private final Path path;
    private final String fileName;
    private final List<String> header;
    private final int labelAt;
    private final int idAt;
    private final int[] featureAt;
    private final List<TableColumn> columns;
    private final List<String> classNames;
    private final Map<String, Long> classCounts;
    private final int rowCount;
    private final String sha256;
    /** Per feature column, the first cell that is not a number and the first that is not true or false. */
    private final Map<String, String> notNumber;
    private final Map<String, String> notBoolean;

    private CsvTable(Path path, String fileName, List<String> header, int labelAt, int idAt, int[] featureAt,
                     List<TableColumn> columns, List<String> classNames, Map<String, Long> classCounts, int rowCount,
                     String sha256, Map<String, String> notNumber, Map<String, String> notBoolean) {
        this.path = path;
        this.fileName = fileName;
        this.header = header;
        this.labelAt = labelAt;
        this.idAt = idAt;
        this.featureAt = featureAt;
        this.columns = columns;
        this.classNames = classNames;
        this.classCounts = classCounts;
        this.rowCount = rowCount;
        this.sha256 = sha256;
        this.notNumber = notNumber;
        this.notBoolean = notBoolean;
    }

    /**
     * Where a feature column shows it is not of a type: its first cell that is not a number (for
     * {@code NUMERIC}) or not true/false (for {@code BOOLEAN}), as "row 7 holds 'Infinity'"; null when
     * every cell is of the type, or for {@code CATEGORICAL}, which any cell is.
     */
    String firstCellNotOf(String column, TableColumn.Type type) {
        switch (type) {
            case NUMERIC:
                return notNumber.get(column);
            case BOOLEAN:
                return notBoolean.get(column);
            default:
                return null;
        }
    }

    /** The feature columns (all but the label and id columns), in file order, with their types. */
    List<TableColumn> columns() {
        return columns;
    }

    /** The label column's distinct values, sorted (by number when every one is a whole number). */
    List<String> classNames() {
        return classNames;
    }

    /** How many rows each class has. */
    Map<String, Long> classCounts() {
        return classCounts;
    }

    int rowCount() {
        return rowCount;
    }

    /** SHA-256 of the file's bytes, hex. */
    String sha256() {
        return sha256;
    }

    String fileName() {
        return fileName;
    }

    String labelColumn() {
        return header.get(labelAt);
    }

    /** The id column's name, or null. */
    String idColumn() {
        return idAt < 0 ? null : header.get(idAt);
    }

    /** One data row as it is stored: its class (an index into {@link #classNames()}), source and values. */
    record Row(long number, int classIndex, String source, Map<String, Object> values) {
    }

    /** The column names of the file's header, checked as {@link #scan} checks them; reads nothing past it. */
    static List<String> headerOf(Path path, String fileName) {
        try (Reading in = new Reading(path, fileName)) {
            return header(in, fileName);
        }
    }

    /**
     * Reads and checks the whole file: the header, every row, the types of the columns. Stores nothing.
     *
     * @param labelColumn the label column's name (required)
     * @param idColumn    the id column's name, or null/blank for none
     * @param maxRows     most data rows ({@code rationale.import.max-entries}); more is a 413
     * @throws InvalidDatasetException naming the row and column of each problem
     */
    static CsvTable scan(Path path, String fileName, String labelColumn, String idColumn, int maxRows,
                         ImportProgress progress) {
        String label = labelColumn == null ? "" : labelColumn.strip();
        if (label.isEmpty()) {
            throw new Invalid("Missing label column", "Give 'label': the name of the column that holds each row's "
                    + "class, as the header of " + fileName + " names it");
        }
        String id = idColumn == null || idColumn.isBlank() ? null : idColumn.strip();
        if (label.equals(id)) {
            throw new Invalid("The label and id columns are the same", "'" + label
                    + "' cannot be both; the id column names rows, the label column their classes");
        }
        try (Reading in = new Reading(path, fileName)) {
            List<String> header = header(in, fileName);
            int labelAt = columnIndex(header, label, "label", fileName);
            int idAt = id == null ? -1 : columnIndex(header, id, "id", fileName);
            int[] featureAt = featureIndices(header, labelAt, idAt, fileName);
            in.expectHeader(header);
            ColumnScan[] scans = new ColumnScan[featureAt.length];
            for (int j = 0; j < scans.length; j++) {
                scans[j] = new ColumnScan(header.get(featureAt[j]));
            }
            ImportProblems problems = new ImportProblems(fileName);
            Map<String, Long> labels = new HashMap<>();
            Map<String, Long> ids = idAt < 0 ? null : new HashMap<>();
            int rows = 0;
            String[] cells;
            while ((cells = in.next()) != null) {
                long r = in.row();
                if (++rows > maxRows) {
                    throw new InvalidDatasetException(DomainError.Kind.TOO_LARGE, "Too many rows in " + fileName,
                            "More than " + maxRows + " data rows (row " + r + " is one too many); the limit is set by "
                                    + "rationale.import.max-entries");
                }
                if (rows % 1000 == 0) {
                    progress.update(ImportProgress.Stage.CHECKING, rows, -1);
                }
                if (!rowIsClean(cells, header, r, problems)) {
                    continue;
                }
                String l = present(cells[labelAt], r, header.get(labelAt), problems);
                if (l != null && labels.merge(l, 1L, Long::sum) == 1 && labels.size() > MAX_CLASSES) {
                    throw new InvalidDatasetException("Too many classes in the label column '" + header.get(labelAt) + "'",
                            "More than " + MAX_CLASSES + " distinct values by row " + r + "; the label column holds "
                                    + "each row's class: is '" + header.get(labelAt) + "' the right column?");
                }
                if (idAt >= 0) {
                    String v = present(cells[idAt], r, header.get(idAt), problems);
                    Long before = v == null ? null : ids.putIfAbsent(v, r);
                    if (before != null) {
                        problem(problems, "Duplicate id '" + shown(v) + "' in rows " + before + " and " + r,
                                "every value of the id column '" + header.get(idAt) + "' must be unique");
                    }
                }
                for (int j = 0; j < featureAt.length; j++) {
                    String v = present(cells[featureAt[j]], r, scans[j].name, problems);
                    if (v != null) {
                        scans[j].see(v, r);
                    }
                }
            }
            problems.throwIfAny();
            if (rows == 0) {
                throw new InvalidDatasetException("No data rows in " + fileName,
                        "The file holds a header only; each row after the header is one sample");
            }
            List<TableColumn> columns = new ArrayList<>();
            Map<String, String> notNumber = new HashMap<>();
            Map<String, String> notBoolean = new HashMap<>();
            for (ColumnScan s : scans) {
                s.type(problems).ifPresent(columns::add);
                if (!s.numeric) {
                    notNumber.put(s.name, "row " + s.firstNonNumberRow + " holds '" + shown(s.firstNonNumber) + "'");
                }
                if (!s.bool) {
                    notBoolean.put(s.name, "row " + s.firstNonBooleanRow + " holds '" + shown(s.firstNonBoolean) + "'");
                }
            }
            refuseOneHotNames(columns, problems);
            problems.throwIfAny();
            progress.update(ImportProgress.Stage.CHECKING, rows, rows);
            return new CsvTable(path, fileName, header, labelAt, idAt, featureAt, List.copyOf(columns),
                    sortedClasses(labels.keySet()), Map.copyOf(labels), rows, in.sha256(), Map.copyOf(notNumber),
                    Map.copyOf(notBoolean));
        }
    }

    /**
     * Reads the file again and hands over every data row converted to its column's type, in file
     * order. Call only after {@link #scan}; a file that changed since is refused.
     */
    void rows(Consumer<Row> each) {
        Map<String, Integer> classIndex = new HashMap<>();
        List<Set<String>> categories = columns.stream().<Set<String>>map(c -> new HashSet<>(c.categories())).toList();
        for (int i = 0; i < classNames.size(); i++) {
            classIndex.put(classNames.get(i), i);
        }
        try (Reading in = new Reading(path, fileName)) {
            String[] first = in.next();
            if (first == null || !List.of(first).equals(header)) {
                throw changed();
            }
            in.expectHeader(header);
            int rows = 0;
            String[] cells;
            while ((cells = in.next()) != null) {
                if (++rows > rowCount || cells.length != header.size()) {
                    throw changed();
                }
                Integer c = classIndex.get(cells[labelAt]);
                if (c == null) {
                    throw changed();
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (int j = 0; j < featureAt.length; j++) {
                    TableColumn col = columns.get(j);
                    String v = cells[featureAt[j]];
                    values.put(col.name(), value(col, categories.get(j), v));
                }
                long r = in.row();
                each.accept(new Row(r, c, idAt < 0 ? "row " + r : "id " + cells[idAt], values));
            }
            if (rows != rowCount || !in.sha256().equals(sha256)) {
                throw changed();
            }
        }
    }

    private InvalidDatasetException changed() {
        return new InvalidDatasetException(fileName + " changed while it was imported",
                "Nothing was stored; import it again");
    }

    private Object value(TableColumn col, Set<String> categories, String v) {
        switch (col.type()) {
            case NUMERIC:
                if (!NUMBER.matcher(v).matches()) {
                    throw changed();
                }
                return Double.parseDouble(v);
            case BOOLEAN:
                if (!isBoolean(v)) {
                    throw changed();
                }
                return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
            default:
                if (!categories.contains(v)) {
                    throw changed();
                }
                return v;
        }
    }

    // ---- the header

    private static List<String> header(Reading in, String fileName) {
        String[] cells = in.next();
        if (cells == null) {
            throw new InvalidDatasetException("Empty file: " + fileName,
                    "The first row must name the columns, e.g. age,site,diagnosis");
        }
        if (cells.length > MAX_COLUMNS) {
            throw new InvalidDatasetException("Too many columns in " + fileName,
                    "The header names " + cells.length + " columns; at most " + MAX_COLUMNS);
        }
        Map<String, Integer> seen = new HashMap<>();
        List<String> names = new ArrayList<>(cells.length);
        for (int i = 0; i < cells.length; i++) {
            String n = cells[i];
            if (n.isEmpty()) {
                throw new InvalidDatasetException("Blank column name in " + fileName,
                        "Column " + (i + 1) + " of the header (row 1) has no name; every column needs one");
            }
            if (n.length() > MAX_CELL_CHARS) {
                throw new InvalidDatasetException("Column name too long in " + fileName,
                        "Column " + (i + 1) + " of the header (row 1) has a name of " + n.length()
                                + " characters; at most " + MAX_CELL_CHARS);
            }
            if (ControlCharacters.firstRefused(n, false) >= 0) {
                throw new InvalidDatasetException("Control character in a column name of " + fileName,
                        "Column " + (i + 1) + " of the header (row 1) holds a control character (U+"
                                + String.format(Locale.ROOT, "%04X", (int) n.charAt(ControlCharacters.firstRefused(n, false)))
                                + "); column names hold none");
            }
            Integer before = seen.putIfAbsent(n, i);
            if (before != null) {
                throw new InvalidDatasetException("Duplicate column name '" + shown(n) + "' in " + fileName,
                        "Columns " + (before + 1) + " and " + (i + 1) + " of the header (row 1) have the same name; "
                                + "every column needs its own");
            }
            names.add(n);
        }
        return List.copyOf(names);
    }

    private static int columnIndex(List<String> header, String name, String role, String fileName) {
        int at = header.indexOf(name);
        if (at >= 0) {
            return at;
        }
        String hint = header.stream().filter(h -> h.equalsIgnoreCase(name)).findFirst()
                .map(h -> " (names must match exactly: did you mean '" + h + "'?)").orElse("");
        if (header.size() == 1) {
            // a spreadsheet's regional "CSV" separates cells by semicolons (a tab is refused in a name before)
            for (String separator : List.of(";", "|")) {
                if (header.get(0).contains(separator) && hint.isEmpty()) {
                    hint = ". The header is one column holding '" + separator + "': the file is separated by '"
                            + separator + "', not commas; export it as CSV with commas (\"CSV UTF-8\" in spreadsheet "
                            + "programs)";
                }
            }
        }
        List<String> shown = header.size() <= 20 ? header : header.subList(0, 20);
        throw new InvalidDatasetException("No column '" + shown(name) + "' in " + fileName,
                "The " + role + " column must be one of the header's: "
                        + shown.stream().map(h -> "'" + shown(h) + "'").collect(Collectors.joining(", "))
                        + (header.size() > 20 ? " and " + (header.size() - 20) + " more" : "") + hint);
    }

    private static int[] featureIndices(List<String> header, int labelAt, int idAt, String fileName) {
        int[] out = new int[header.size() - (idAt < 0 ? 1 : 2)];
        if (out.length == 0) {
            throw new InvalidDatasetException("No feature columns in " + fileName,
                    "Besides the label" + (idAt < 0 ? "" : " and id") + " column the file has none; a model needs "
                            + "at least one column to decide from");
        }
        int k = 0;
        for (int i = 0; i < header.size(); i++) {
            if (i != labelAt && i != idAt) {
                out[k++] = i;
            }
        }
        return out;
    }

    /**
     * Refuses a column named like a one-hot column of a categorical column ({@code site=A} beside a
     * categorical {@code site}): a model's spec, and the platform's own MLP, name one-hot columns so,
     * and the two would be one name for two inputs.
     */
    private static void refuseOneHotNames(List<TableColumn> columns, ImportProblems problems) {
        Set<String> categorical = columns.stream().filter(c -> c.type() == TableColumn.Type.CATEGORICAL)
                .map(TableColumn::name).collect(Collectors.toSet());
        for (TableColumn c : columns) {
            String n = c.name();
            for (int eq = n.indexOf('='); eq > 0; eq = n.indexOf('=', eq + 1)) {
                String column = n.substring(0, eq);
                if (categorical.contains(column)) {
                    problem(problems, "Column name '" + shown(n) + "' reads as a one-hot column",
                            "it is how a model's spec names category '" + shown(n.substring(eq + 1)) + "' of the "
                                    + "categorical column '" + shown(column) + "' (column=category); rename the column");
                    break;
                }
            }
        }
    }

    // ---- the rows

    /** Checks a row's cell count, cell lengths and characters; false (the problems recorded) when it is unusable. */
    private static boolean rowIsClean(String[] cells, List<String> header, long row, ImportProblems problems) {
        if (cells.length != header.size()) {
            problem(problems, "Row " + row + " has " + cells.length + (cells.length == 1 ? " cell" : " cells")
                            + ", the header " + header.size(),
                    "every row needs one cell per column of the header (row 1); a cell that holds a comma needs "
                            + "double quotes around it");
            return false;
        }
        boolean clean = true;
        for (int i = 0; i < cells.length; i++) {
            String v = cells[i];
            if (v.length() > MAX_CELL_CHARS) {
                problem(problems, "Cell too long in row " + row + ", column '" + shown(header.get(i)) + "'",
                        v.length() + " characters; a cell may hold at most " + MAX_CELL_CHARS);
                clean = false;
            } else {
                int bad = ControlCharacters.firstRefused(v, true);
                if (bad >= 0) {
                    problem(problems, "Control character in row " + row + ", column '" + shown(header.get(i)) + "'",
                            String.format(Locale.ROOT, "U+%04X at position %d; a cell may hold tabs and line breaks "
                                    + "but no other control characters", (int) v.charAt(bad), bad));
                    clean = false;
                }
            }
        }
        return clean;
    }

    /** The cell's value, or null (a problem recorded) when it stands for a missing value. */
    private static String present(String v, long row, String column, ImportProblems problems) {
        if (v.isEmpty()) {
            problem(problems, "Missing value in row " + row + ", column '" + shown(column) + "'",
                    "the cell is empty; every cell needs a value");
            return null;
        }
        if (MISSING_LOWER.contains(v.toLowerCase(Locale.ROOT))) {
            problem(problems, "Missing value in row " + row + ", column '" + shown(column) + "'",
                    "the cell says '" + v + "', which stands for a missing value; every cell needs a value");
            return null;
        }
        return v;
    }

    private static void problem(ImportProblems problems, String error, String detail) {
        if (problems.listing()) {
            problems.add(new InvalidDatasetException(error, detail));
        } else {
            problems.addUnlisted();
        }
    }

    private static boolean isBoolean(String v) {
        return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
    }

    /** What one pass learns of a feature column: whether every cell is a number or a boolean, its distinct values. */
    private static final class ColumnScan {
        final String name;
        boolean numeric = true;
        boolean bool = true;
        /** Distinct values, up to one more than a categorical column may have. */
        final Set<String> distinct = new HashSet<>();
        long overflowRow = -1;
        String firstNonNumber;
        long firstNonNumberRow;
        String firstNonBoolean;
        long firstNonBooleanRow;
        String outOfRange;
        long outOfRangeRow;

        ColumnScan(String name) {
            this.name = name;
        }

        void see(String v, long row) {
            if (numeric) {
                if (!NUMBER.matcher(v).matches()) {
                    numeric = false;
                    firstNonNumber = v;
                    firstNonNumberRow = row;
                } else if (outOfRange == null && Double.isInfinite(Double.parseDouble(v))) {
                    outOfRange = v;
                    outOfRangeRow = row;
                }
            }
            if (bool && !isBoolean(v)) {
                bool = false;
                firstNonBoolean = v;
                firstNonBooleanRow = row;
            }
            if (overflowRow < 0 && distinct.add(v) && distinct.size() > MAX_CATEGORIES) {
                overflowRow = row;
                distinct.clear();
            }
        }

        /** The column with its type, or empty (a problem recorded) when it cannot be stored. */
        Optional<TableColumn> type(ImportProblems problems) {
            if (numeric) {
                if (outOfRange != null) {
                    problem(problems, "Number out of range in row " + outOfRangeRow + ", column '" + shown(name) + "'",
                            "'" + shown(outOfRange) + "' is beyond the largest number (about 1.8e308)");
                    return Optional.empty();
                }
                return Optional.of(new TableColumn(name, TableColumn.Type.NUMERIC, List.of()));
            }
            if (bool) {
                return Optional.of(new TableColumn(name, TableColumn.Type.BOOLEAN, List.of()));
            }
            if (overflowRow >= 0) {
                problem(problems, "Too many categories in column '" + shown(name) + "'",
                        "more than " + MAX_CATEGORIES + " distinct values (value " + (MAX_CATEGORIES + 1)
                                + " first in row " + overflowRow + "), not all numbers (row " + firstNonNumberRow + " holds '"
                                + shown(firstNonNumber) + "'); a categorical column may have at most " + MAX_CATEGORIES
                                + ". If the column names each row, give it as the id column (id=" + name + ")");
                return Optional.empty();
            }
            return Optional.of(new TableColumn(name, TableColumn.Type.CATEGORICAL,
                    new ArrayList<>(new TreeSet<>(distinct))));
        }
    }

    private static List<String> sortedClasses(Set<String> labels) {
        List<String> out = new ArrayList<>(labels);
        if (out.stream().allMatch(l -> WHOLE.matcher(l).matches())) {
            out.sort(Comparator.comparingInt(Integer::parseInt));
        } else {
            out.sort(Comparator.naturalOrder());
        }
        return List.copyOf(out);
    }

    /** A name or value as a message quotes it: at most 60 characters. */
    static String shown(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    // ---- reading

    /**
     * Characters one record may take: each cell at most {@link #MAX_CELL_CHARS}, all quoted, every
     * quote doubled, plus what the parser reads ahead.
     */
    private static long recordChars(int cells) {
        return (long) cells * (2L * MAX_CELL_CHARS + 3) + 65_536;
    }

    /** One pass over the file: its records as stripped cells, the SHA-256 of its bytes, refusals naming the row. */
    private static final class Reading implements Closeable {
        private final String fileName;
        private final MessageDigest digest;
        private final InputStream bytes;
        private final RowGuard guard;
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private long row;
        private List<String> header;

        Reading(Path path, String fileName) {
            this.fileName = fileName;
            this.digest = sha256Digest();
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
                refuseArchive(raw, fileName);
                bytes = new DigestInputStream(raw, digest);
                // bytes that are not UTF-8 become a noncharacter, found in the record that holds them
                Reader text = new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .replaceWith(NOT_UTF8));
                guard = new RowGuard(text, recordChars(MAX_COLUMNS + 1));
                parser = FORMAT.parse(guard);
                records = parser.iterator();
            } catch (IOException e) {
                closeQuietly(raw);
                throw new UncheckedIOException("Reading " + fileName + " failed", e);
            } catch (RuntimeException e) {
                closeQuietly(raw);
                throw e;
            }
        }

        /** The header's names: from now on a record may hold as many cells' characters, and refusals name columns. */
        void expectHeader(List<String> names) {
            header = names;
            guard.limit = recordChars(names.size());
        }

        /** The next record's cells, stripped, or null at the end of the file; empty lines are skipped. */
        String[] next() {
            while (true) {
                CSVRecord r;
                try {
                    if (!records.hasNext()) {
                        return null;
                    }
                    r = records.next();
                } catch (UncheckedIOException e) {
                    throw refusal(e.getCause(), parser.getRecordNumber() + 1);
                }
                guard.sinceRecord = 0;
                row = r.getRecordNumber();
                if (r.size() == 1 && r.get(0).isBlank()) {
                    continue;
                }
                String[] cells = r.values();
                for (int i = 0; i < cells.length; i++) {
                    if (cells[i].indexOf(NOT_UTF8.charAt(0)) >= 0) {
                        throw new InvalidDatasetException("Not UTF-8 text: " + fileName, "Row " + row + ", "
                                + (header != null && i < header.size() ? "column '" + shown(header.get(i)) + "'"
                                : "column " + (i + 1)) + " holds bytes that are not UTF-8; save the file as UTF-8 "
                                + "(\"CSV UTF-8\" in spreadsheet programs)");
                    }
                    cells[i] = cells[i].strip();
                }
                return cells;
            }
        }

        /** The spreadsheet row number of the record {@link #next} answered last (the header is row 1). */
        long row() {
            return row;
        }

        /** SHA-256 of the bytes read so far (all of them once {@link #next} answered null). */
        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }

        private InvalidDatasetException refusal(IOException e, long row) {
            if (e instanceof RowTooLong) {
                return new InvalidDatasetException("Row " + row + " of " + fileName + " is too long",
                        "A cell may hold at most " + MAX_CELL_CHARS + " characters; a quote that opens a cell and "
                                + "never closes makes the rest of the file one cell");
            }
            if (e instanceof CSVException) {
                String m = e.getMessage() == null ? "" : e.getMessage();
                if (m.contains("EOF reached before encapsulated token finished")) {
                    return new InvalidDatasetException("A quoted cell never ends in " + fileName,
                            "The quote that opens a cell in row " + row + " has no closing quote; a quote inside a "
                                    + "quoted cell is written as two quotes (\"\")");
                }
                if (m.contains("Invalid character between encapsulated token and delimiter")) {
                    return new InvalidDatasetException("Text after a closing quote in row " + row + " of " + fileName,
                            "A cell that starts with a quote ends at the next lone quote, followed by a comma or the "
                                    + "end of the line; write a quote inside it as two quotes (\"\")");
                }
                return new InvalidDatasetException("Not a readable CSV file: " + fileName,
                        "Row " + row + " cannot be read as CSV (RFC 4180)");
            }
            throw new UncheckedIOException("Reading " + fileName + " failed", e);
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Closing " + fileName + " failed", e);
            }
        }
    }

    /** Refuses a zip or gzip file sent as a table, by its first bytes, before any of it is decoded. */
    private static void refuseArchive(InputStream in, String fileName) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            throw new InvalidDatasetException("Not a CSV file: " + fileName,
                    "It is gzip-compressed; send the CSV file itself");
        }
        if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            throw new InvalidDatasetException("Not a CSV file: " + fileName,
                    "It is a zip archive (a spreadsheet workbook is one too); export the sheet as CSV UTF-8");
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record longer than any its cells may make. */
    private static final class RowTooLong extends IOException {
        RowTooLong() {
            super("row too long");
        }
    }

    /**
     * Counts the characters handed to the parser since it last finished a record and stops at the
     * limit (so a never-ending cell cannot grow without bound); drops a leading byte-order mark.
     */
    private static final class RowGuard extends FilterReader {
        long sinceRecord;
        long limit;
        private boolean started;

        RowGuard(Reader in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (!started && n > 0) {
                started = true;
                if (buf[off] == '\uFEFF') {
                    System.arraycopy(buf, off + 1, buf, off, n - 1);
                    n--;
                    if (n == 0) {
                        return read(buf, off, len);
                    }
                }
            }
            if (n > 0) {
                sinceRecord += n;
                if (sinceRecord > limit) {
                    throw new RowTooLong();
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0];
        }

        @Override
        public long skip(long n) throws IOException {
            char[] sink = new char[(int) Math.min(n, 8192)];
            int read = read(sink, 0, sink.length);
            return Math.max(read, 0);
        }
    }
}
