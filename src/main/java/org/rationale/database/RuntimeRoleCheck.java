package org.rationale.database;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

/**
 * Warns at start when the app's database role is a superuser or owns the tables: such a role can switch off the audit
 * trail's triggers ({@code session_replication_role}), so the database alone no longer protects the
 * trail. The fix: migrations as an owner role ({@code quarkus.flyway.username}/{@code password}), the
 * app as a plain role ({@code quarkus.datasource.username}/{@code password}); see docs/audit.md.
 */
@ApplicationScoped
@Owns({})
class RuntimeRoleCheck {

    private static final Logger LOG = Logger.getLogger(RuntimeRoleCheck.class);

    private final EntityManager em;

    RuntimeRoleCheck(EntityManager em) {
        this.em = em;
    }

    void onStart(@Observes StartupEvent event) {
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "select current_user, rolsuper, exists (select 1 from pg_tables where schemaname = 'public' "
                        + "and tablename = 'audit_events' and tableowner = current_user) from pg_roles "
                        + "where rolname = current_user").getSingleResult());
        if (Boolean.TRUE.equals(row[1]) || Boolean.TRUE.equals(row[2])) {
            LOG.warnf("The app's database role '%s' is " + (Boolean.TRUE.equals(row[1]) ? "a superuser" : "the tables' owner")
                    + ": it can switch off the audit trail's triggers. "
                    + "Run the migrations as an owner role (QUARKUS_FLYWAY_USERNAME, QUARKUS_FLYWAY_PASSWORD) and the app "
                    + "as a plain role (QUARKUS_DATASOURCE_USERNAME, QUARKUS_DATASOURCE_PASSWORD); see docs/audit.md", row[0]);
        } else {
            LOG.infof("The app's database role '%s' has data rights only", row[0]);
        }
    }
}
