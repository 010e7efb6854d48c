package org.rationale.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import org.rationale.config.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signed head of the chain, written outside the database: the server vouches that event
 * {@code seq} had hash {@code hash} at {@code at}, and that every event from {@code hmacFrom} on
 * carries an HMAC. One file per anchor, {@code anchor-<seq, 19 digits>.json}, never rewritten, so
 * that the folder may live on write-once storage.
 */
public record AuditAnchor(long seq, String hash, Long hmacFrom, String at, String keyId, String signature, String file) {

    private static final Pattern NAME = Pattern.compile("anchor-(\\d{19})\\.json");
    private static final ObjectMapper JSON = Json.MAPPER;

    /** Most anchor files, newest first, that a verification reads. */
    static final int READ_AT_MOST = 200;

    /** An anchor for a head, signed with the key. */
    public static AuditAnchor signed(AuditKey key, long seq, String hash, Long hmacFrom, Instant at) {
        String time = AuditChain.time(at);
        return new AuditAnchor(seq, hash, hmacFrom, time, key.id(), key.sign(signedText(seq, hash, hmacFrom, time)),
                fileName(seq));
    }

    static String signedText(long seq, String hash, Long hmacFrom, String at) {
        return "rationale-audit-anchor\n" + seq + "\n" + hash + "\n" + hmacFrom + "\n" + at;
    }

    public static String fileName(long seq) {
        return String.format("anchor-%019d.json", seq);
    }

    /** Whether the key made this anchor's signature. */
    public boolean genuine(AuditKey key) {
        return signature != null && hash != null && at != null
                && key.sign(signedText(seq, hash, hmacFrom, at)).equals(signature);
    }

    /** The file's JSON. */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("hash", hash);
        m.put("hmacFrom", hmacFrom);
        m.put("at", at);
        m.put("keyId", keyId);
        m.put("signature", signature);
        return AuditChain.canonical(m);
    }

    /** Writes the anchor into the folder unless a file for its sequence number exists; true when written. */
    public boolean writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(fileName(seq));
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = Files.createTempFile(dir, ".anchor", ".tmp");
        try {
            Files.writeString(tmp, json() + "\n");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (FileAlreadyExistsException other) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The anchors of a folder checked with the key: genuine ones newest first, and the names of the others. */
    public record Folder(List<AuditAnchor> genuine, List<String> forged) {
    }

    /** Reads the newest {@link #READ_AT_MOST} anchor files of a folder (none when it does not exist). */
    public static Folder read(Path dir, AuditKey key) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "anchor-*.json")) {
                for (Path p : files) {
                    names.add(p.getFileName().toString());
                }
            }
        }
        names.sort(Comparator.reverseOrder());
        List<AuditAnchor> genuine = new ArrayList<>();
        List<String> forged = new ArrayList<>();
        for (String name : names.subList(0, Math.min(names.size(), READ_AT_MOST))) {
            Matcher m = NAME.matcher(name);
            AuditAnchor a = m.matches() ? parse(dir.resolve(name), name) : null;
            if (a != null && seqOf(m.group(1)) == a.seq() && a.genuine(key)) {
                genuine.add(a);
            } else {
                forged.add(name);
            }
        }
        return new Folder(genuine, forged);
    }

    /** The sequence number a file name carries; -1 when it is past the largest (never an anchor of ours). */
    private static long seqOf(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static AuditAnchor parse(Path file, String name) {
        try {
            if (Files.size(file) > 4096) {
                return null;
            }
            JsonNode n = JSON.readTree(file.toFile());
            return new AuditAnchor(n.path("seq").asLong(-1), text(n, "hash"),
                    n.path("hmacFrom").isIntegralNumber() ? n.path("hmacFrom").asLong() : null, text(n, "at"),
                    text(n, "keyId"), text(n, "signature"), name);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.path(field).asText() : null;
    }
}
