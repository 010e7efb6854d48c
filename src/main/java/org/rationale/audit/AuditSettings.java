package org.rationale.audit;

import io.quarkus.runtime.configuration.DurationConverter;
import java.util.Locale;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the audit key and the anchors live. The server and the {@code audit-verify} command read
 * them the same way: {@code rationale.audit.key} (env {@code RATIONALE_AUDIT_KEY}, the key itself),
 * else {@code rationale.audit.key-file} (default {@code <data-dir>/audit-key}), and
 * {@code rationale.audit.anchor-dir} (default {@code <data-dir>/audit-anchors}).
 */
public record AuditSettings(Optional<String> key, Path keyFile, Path anchorDir, Duration anchorInterval) {

    /** Settings from a lookup of property names (system properties, environment or Quarkus's configuration). */
    public static AuditSettings from(Function<String, Optional<String>> setting) {
        Path dataDir = Path.of(setting.apply("rationale.data-dir").orElse("data"));
        return new AuditSettings(setting.apply("rationale.audit.key"),
                setting.apply("rationale.audit.key-file").map(Path::of).orElse(dataDir.resolve("audit-key")),
                setting.apply("rationale.audit.anchor-dir").map(Path::of).orElse(dataDir.resolve("audit-anchors")),
                setting.apply("rationale.audit.anchor-interval").map(DurationConverter::parseDuration).orElse(Duration.ofMinutes(1)));
    }

    /** Settings from system properties, then environment variables ({@code RATIONALE_AUDIT_KEY_FILE} and so on). */
    public static AuditSettings fromEnvironment() {
        return from(property -> {
            String v = System.getProperty(property);
            if (v == null || v.isBlank()) {
                v = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            return Optional.ofNullable(v).filter(s -> !s.isBlank());
        });
    }
}
