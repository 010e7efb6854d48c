package org.rationale;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.rationale.audit.AuditVerifyCommand;
import org.rationale.database.EmbeddedDatabase;

/**
 * Entry point of the one jar. With no datasource URL configured it first starts the embedded
 * PostgreSQL (at run time, never at build time) and points Quarkus at it; then it runs Quarkus.
 * {@code audit-verify} as the first argument runs {@link AuditVerifyCommand} instead.
 */
@QuarkusMain
public class Rationale implements QuarkusApplication {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("audit-verify")) {
            System.exit(AuditVerifyCommand.run());
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        EmbeddedDatabase.startIfNoDatasourceConfigured();
        try {
            Quarkus.run(Rationale.class, args);
        } finally {
            EmbeddedDatabase.stop();
        }
    }

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }
}
