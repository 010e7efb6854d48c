package org.rationale.deploy;

import java.lang.reflect.Modifier;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;
import org.rationale.config.RationaleConfig;
import org.rationale.worker.WorkerConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Docker engine or cluster runs here, so the files in docker/ are checked for what can go wrong
 * without one: the YAML parses, every variable they set is one the app (or DJL, or the PostgreSQL
 * image) really reads, ports match the app's HTTP port, and images name what the Dockerfiles build.
 */
class DeploymentFilesTest {

    private static final Path DOCKER = Path.of("docker");
    /** Read by DJL's PyTorch engine, libtorch's OpenMP runtime, the JVM launcher or the postgres image, not by our configuration. */
    private static final Set<String> OTHERS = Set.of("DJL_OFFLINE", "DJL_CACHE_DIR", "PYTORCH_LIBRARY_PATH",
            "PYTORCH_FLAVOR", "JAVA_OPTS", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "LD_LIBRARY_PATH",
            "OMP_WAIT_POLICY");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Z][A-Z0-9_]*$");

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(DOCKER)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<Object> load(Path p) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Object> docs = new ArrayList<>();
        new Yaml(options).loadAll(Files.readString(p)).forEach(docs::add);
        return docs;
    }

    /** Property names the app reads: application.properties and every @ConfigMapping, lower-cased, only letters and digits. */
    private static Set<String> knownProperties() throws IOException {
        Set<String> out = new HashSet<>();
        Properties props = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            props.load(in);
        }
        for (String k : props.stringPropertyNames()) {
            out.add(canonical(k.startsWith("%") ? k.substring(k.indexOf('.') + 1) : k));
        }
        for (Class<?> mapping : List.of(RationaleConfig.class, WorkerConfig.class)) {
            collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, out);
        }
        // Quarkus's own settings that the deployment files use
        Stream.of("quarkus.datasource.jdbc.url", "quarkus.datasource.username", "quarkus.datasource.password",
                "quarkus.http.port").map(DeploymentFilesTest::canonical).forEach(out::add);
        return out;
    }

    private static void collect(String prefix, Class<?> type, Set<String> out) {
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() > 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            WithName named = m.getAnnotation(WithName.class);
            String name = prefix + "." + (named != null ? named.value() : m.getName());
            if (m.getReturnType().isInterface() && m.getReturnType().getName().startsWith("org.rationale")) {
                collect(name, m.getReturnType(), out);
            } else {
                out.add(canonical(name));
            }
        }
    }

    private static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** Environment variable names set in a Dockerfile (ENV) or a YAML file (env lists and environment maps). */
    private static Set<String> variablesSet() throws IOException {
        Set<String> names = new HashSet<>();
        for (Path p : List.of(DOCKER.resolve("Dockerfile"), DOCKER.resolve("Dockerfile.worker-cuda"))) {
            String text = Files.readString(p).replace("\\\n", " ");
            Matcher env = Pattern.compile("(?m)^ENV\\s+(.*)$").matcher(text);
            while (env.find()) {
                Matcher kv = Pattern.compile("([A-Z][A-Z0-9_]*)=").matcher(env.group(1));
                while (kv.find()) {
                    names.add(kv.group(1));
                }
            }
        }
        for (Path p : yamlFiles()) {
            for (Object doc : load(p)) {
                walk(doc, names);
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            Object env = map.get("env");
            if (env instanceof List<?> list) {
                list.forEach(e -> names.add(String.valueOf(((Map<String, Object>) e).get("name"))));
            }
            Object environment = map.get("environment");
            if (environment instanceof Map<?, ?> vars) {
                vars.keySet().stream().map(String::valueOf).filter(k -> ENV_NAME.matcher(k).matches()).forEach(names::add);
            }
            map.values().forEach(v -> walk(v, names));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> walk(v, names));
        }
    }

    @Test
    void everyYamlFileParses() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 6, "compose and Kubernetes files: " + files);
        for (Path p : files) {
            assertFalse(load(p).isEmpty(), p + " is empty");
        }
    }

    @Test
    void everyVariableSetIsOneSomethingReads() throws IOException {
        Set<String> known = knownProperties();
        Set<String> set = variablesSet();
        assertTrue(set.contains("RATIONALE_ROLE") && set.contains("RATIONALE_DEVICE"), "found " + set);
        List<String> unknown = set.stream().filter(v -> !OTHERS.contains(v) && !known.contains(canonical(v))).sorted().toList();
        assertEquals(List.of(), unknown, "variables nothing reads");
    }

    @Test
    void theCheckCatchesAMisspelledVariable() throws IOException {
        Set<String> known = knownProperties();
        assertTrue(known.contains(canonical("RATIONALE_WORKER_BATCH_SIZE_GPU")));
        assertFalse(known.contains(canonical("RATIONALE_WORKER_BATCHSIZE_TPU")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void portsAndImagesMatchWhatIsBuilt() throws IOException {
        String version = Pattern.compile("<artifactId>rationale</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml"))).results().findFirst().orElseThrow().group(1)
                .replace("-SNAPSHOT", "");
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.worker-cuda")) {
            assertTrue(Files.readString(DOCKER.resolve(dockerfile)).contains("EXPOSE 8080"), dockerfile);
        }
        Set<String> images = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (Path p : yamlFiles()) {
            if (!p.startsWith(DOCKER.resolve("k8s"))) {
                continue;
            }
            for (Object doc : load(p)) {
                collectK8s(doc, images, ports);
            }
        }
        assertEquals(Set.of("rationale:" + version, "rationale-worker-cuda:" + version), images);
        assertEquals(Set.of(8080), ports);
        Map<String, Object> compose = (Map<String, Object>) load(DOCKER.resolve("compose.yaml")).get(0);
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertTrue(services.keySet().containsAll(Set.of("db", "app", "worker")), "services " + services.keySet());
        Map<String, Object> app = (Map<String, Object>) services.get("app");
        assertEquals(List.of("8080:8080"), app.get("ports"));
        assertEquals("docker/Dockerfile", ((Map<String, Object>) app.get("build")).get("dockerfile"));
        Map<String, Object> gpu = (Map<String, Object>) services.get("worker-gpu");
        assertEquals("docker/Dockerfile.worker-cuda", ((Map<String, Object>) gpu.get("build")).get("dockerfile"));
        Map<String, Object> worker = (Map<String, Object>) services.get("worker");
        assertEquals(2, ((Map<String, Object>) worker.get("deploy")).get("replicas"));
    }

    @SuppressWarnings("unchecked")
    private static void collectK8s(Object node, Set<String> images, Set<Integer> ports) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("image") instanceof String image) {
                images.add(image);
            }
            if (map.get("containerPort") instanceof Integer port) {
                ports.add(port);
            }
            map.values().forEach(v -> collectK8s(v, images, ports));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collectK8s(v, images, ports));
        }
    }
}
