package org.rationale.audit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that only the server holds, never stored in the database: with it the server signs
 * each event's hash (HMAC-SHA256) and each anchor, so that someone who can write the database but
 * lacks the key cannot recompute a chain that verifies. From {@code rationale.audit.key} (at least
 * 32 characters), else from the key file, which is generated once (32 random bytes, hex, mode 0600).
 */
public final class AuditKey {

    private static final int MIN_LENGTH = 32;

    private final byte[] secret;
    private final String source;
    private final boolean generated;

    private AuditKey(String secret, String source, boolean generated) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.generated = generated;
    }

    /** A key given as text (tests, and {@code RATIONALE_AUDIT_KEY}). */
    public static AuditKey of(String secret) {
        if (secret.strip().length() < MIN_LENGTH) {
            throw new IllegalArgumentException("The audit key must have at least " + MIN_LENGTH + " characters");
        }
        return new AuditKey(secret.strip(), "the setting rationale.audit.key", false);
    }

    /**
     * Loads the key the settings name; {@code create}: generate the key file when neither the key
     * nor the file exists (the server), else fail (the verify command must not invent a key).
     */
    public static AuditKey load(AuditSettings settings, boolean create) throws IOException {
        if (settings.key().isPresent()) {
            return of(settings.key().get());
        }
        Path file = settings.keyFile().toAbsolutePath().normalize();
        if (Files.exists(file)) {
            return read(file, false);
        }
        if (!create) {
            throw new IOException("No audit key: " + file + " does not exist and rationale.audit.key "
                    + "(RATIONALE_AUDIT_KEY) is not set; give the command the server's key");
        }
        Files.createDirectories(file.getParent());
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path tmp = Files.createTempFile(file.getParent(), "audit-key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, HexFormat.of().formatHex(random) + "\n");
            // a link fails when the file appeared meanwhile (two processes starting at once): then theirs wins
            Files.createLink(file, tmp);
            return read(file, true);
        } catch (FileAlreadyExistsException other) {
            return read(file, false);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static AuditKey read(Path file, boolean generated) throws IOException {
        String text = Files.readString(file).strip();
        if (text.length() < MIN_LENGTH) {
            throw new IOException("The audit key file " + file + " holds fewer than " + MIN_LENGTH + " characters");
        }
        return new AuditKey(text, "the file " + file, generated);
    }

    /** Where the key came from, for the log (never the key). */
    public String source() {
        return source;
    }

    /** Whether this process generated the key file just now. */
    public boolean generated() {
        return generated;
    }

    /** A short fingerprint that names the key without revealing it. */
    public String id() {
        return sign("rationale-audit-key-id").substring(0, 16);
    }

    /** The HMAC an event with this hash carries. */
    public String eventHmac(String hash) {
        return sign("rationale-audit-event\n" + hash);
    }

    /** HMAC-SHA256 of a text, lower-case hex. */
    public String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
