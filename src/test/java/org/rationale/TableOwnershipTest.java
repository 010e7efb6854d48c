package org.rationale;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rationale.database.Owns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each table has one owner: the class annotated {@link Owns} with its name holds all its SQL.
 * Checked from the compiled classes (who creates queries) and from the sources (which tables the SQL
 * of an owner writes and reads first), against the tables the migrations create.
 */
class TableOwnershipTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path MIGRATIONS = Path.of("db/migration");
    /** PostgreSQL's own relations and set-returning functions a query may read from. */
    private static final Pattern SYSTEM = Pattern.compile("pg_\\w+|information_schema|unnest|generate_series|jsonb?_\\w+|lateral|values");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.rationale");
    }

    private static final DescribedPredicate<JavaAccess<?>> OWNED = DescribedPredicate.describe(
            "a class annotated @Owns", a -> owner(a.getOriginOwner()) != null);

    @Test
    void onlyOwnersCreateQueries() {
        noClasses().should().callMethodWhere(DescribedPredicate.describe("an EntityManager query from a class without @Owns",
                        (JavaMethodCall c) -> !OWNED.test(c) && c.getTargetOwner().isAssignableTo(EntityManager.class)
                                && c.getName().matches("create(Native|Named|StoredProcedure)?Query")))
                .because("SQL lives in the store class that owns its tables")
                .check(classes);
        noClasses().should().callMethodWhere(DescribedPredicate.describe("a JDBC statement from a class without @Owns",
                        (JavaMethodCall c) -> !OWNED.test(c) && c.getTargetOwner().isAssignableTo(Connection.class)
                                && c.getName().matches("prepareStatement|createStatement|prepareCall")))
                .because("SQL lives in the store class that owns its tables")
                .check(classes);
        noClasses().should().callMethodWhere(DescribedPredicate.describe("a Panache query from a class without @Owns",
                        (JavaMethodCall c) -> !OWNED.test(c) && !c.getOriginOwner().equals(c.getTargetOwner())
                                && c.getTargetOwner().isAssignableTo(PanacheEntityBase.class)
                                && c.getName().matches("find.*|list.*|stream.*|count|delete|deleteAll|deleteById|update")
                                && c.getTarget().resolveMember().map(m -> m.getModifiers().contains(JavaModifier.STATIC)).orElse(true)))
                .because("entities are looked up through the store that owns their table")
                .check(classes);
    }

    @Test
    void everyTableOfTheSchemaHasExactlyOneOwner() throws IOException {
        Map<String, List<String>> owners = new TreeMap<>();
        for (JavaClass c : classes) {
            Owns owns = owner(c);
            if (owns != null && c.getEnclosingClass().isEmpty()) {
                for (String t : owns.value()) {
                    owners.computeIfAbsent(t, k -> new ArrayList<>()).add(c.getSimpleName());
                }
            }
        }
        Set<String> tables = schemaTables();
        List<String> problems = new ArrayList<>();
        for (String t : tables) {
            List<String> o = owners.getOrDefault(t, List.of());
            if (o.size() != 1) {
                problems.add(t + " is owned by " + (o.isEmpty() ? "no class" : o));
            }
        }
        for (String t : owners.keySet()) {
            if (!tables.contains(t)) {
                problems.add("@Owns names " + t + ", which no migration creates");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void ownersWriteOnlyTheirTablesAndReadFromThemFirst() throws IOException {
        Set<String> tables = schemaTables();
        List<String> problems = new ArrayList<>();
        for (JavaClass c : classes) {
            Owns owns = owner(c);
            if (owns == null || c.getEnclosingClass().isPresent()) {
                continue;
            }
            Set<String> own = Set.of(owns.value());
            for (String sql : statements(source(c))) {
                Set<String> ctes = new TreeSet<>();
                Matcher cte = Pattern.compile("(?:with|,)\\s+(?:recursive\\s+)?(\\w+)\\s+as\\s+(?:materialized\\s+)?\\(").matcher(sql);
                while (cte.find()) {
                    ctes.add(cte.group(1));
                }
                for (String written : matches(sql, "insert\\s+into\\s+(\\w+)|(?<!do\\s)update\\s+(\\w+)\\s+set|delete\\s+from\\s+(\\w+)")) {
                    if (!own.contains(written) && !ctes.contains(written)) {
                        problems.add(c.getSimpleName() + " writes " + written + ": " + abbreviate(sql));
                    }
                }
                Matcher from = Pattern.compile("^\\s*(?:with\\b.*?\\)\\s*)?select\\b.*?\\bfrom\\s+(\\w+)").matcher(sql);
                if (!sql.startsWith("with") && from.find()) {
                    String first = from.group(1);
                    if (tables.contains(first) && !own.contains(first)) {
                        problems.add(c.getSimpleName() + " reads first from " + first + ": " + abbreviate(sql));
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void noRowIsReadByPositionalCasts() throws IOException {
        Pattern cast = Pattern.compile("\\(\\(\\s*(?:Number|Long|Integer|Double|Float|String|Boolean|Short|java\\.[\\w.]+)\\s*\\)\\s*\\w+\\[\\d+]\\s*\\)");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (cast.matcher(lines.get(i)).find()) {
                        found.add(SOURCES.relativize(f) + ":" + (i + 1));
                    }
                }
            }
        }
        assertEquals(List.of(), found, "rows are mapped onto records by column name, not cast by position");
    }

    @Test
    void theStatementScannerFindsWritesAndFirstReads() {
        List<String> s = statements("String a = \"insert into jobs (a) \" + \"values (1)\"; x(\"select * from samples s join reviews r on true\");");
        assertEquals(List.of("insert into jobs (a) values (1)", "select * from samples s join reviews r on true"), s);
        assertEquals(List.of("jobs"), matches(s.get(0), "insert\\s+into\\s+(\\w+)"));
        assertTrue(matches("insert into x values (1) on conflict (a) do update set b = 1",
                "insert\\s+into\\s+(\\w+)|(?<!do\\s)update\\s+(\\w+)\\s+set").equals(List.of("x")));
    }

    private static Owns owner(JavaClass c) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
        }
        return top.isAnnotatedWith(Owns.class) ? top.getAnnotationOfType(Owns.class) : null;
    }

    private static String source(JavaClass c) throws IOException {
        return Files.readString(SOURCES.resolve(c.getName().replace('.', '/') + ".java"));
    }

    /** The SQL of a source: string literals joined up to each {@code ;} of Java code, lower case. */
    static List<String> statements(String java) {
        List<String> out = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        boolean text = false;
        for (int i = 0; i < java.length(); i++) {
            char ch = java.charAt(i);
            if (text) {
                if (ch == '\\' && i + 1 < java.length()) {
                    sql.append(java.charAt(++i));
                } else if (ch == '"') {
                    text = false;
                } else {
                    sql.append(ch);
                }
            } else if (ch == '"') {
                text = true;
            } else if (ch == ';') {
                String s = sql.toString().trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
                if (s.matches("^(with|select|insert|update|delete)\\b.*")) {
                    out.add(s);
                }
                sql.setLength(0);
            }
        }
        return out;
    }

    private static List<String> matches(String sql, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(sql);
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null && !SYSTEM.matcher(m.group(g)).matches()) {
                    out.add(m.group(g));
                }
            }
        }
        return out;
    }

    private static Set<String> schemaTables() throws IOException {
        Set<String> tables = new TreeSet<>();
        Pattern create = Pattern.compile("create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Matcher m = create.matcher(Files.readString(f));
                while (m.find()) {
                    tables.add(m.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return tables;
    }

    private static String abbreviate(String sql) {
        return sql.length() > 120 ? sql.substring(0, 120) + "…" : sql;
    }
}
