package org.rationale.database;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/** Small durable facts about this installation (for instance: the demo was seeded once). */
@ApplicationScoped
@Owns("app_settings")
public class AppSettings {

    private final EntityManager em;

    AppSettings(EntityManager em) {
        this.em = em;
    }

    @Transactional
    public Optional<String> get(String key) {
        List<?> rows = em.createNativeQuery("select value from app_settings where key = ?1").setParameter(1, key)
                .getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of((String) rows.get(0));
    }

    @Transactional
    public void put(String key, String value) {
        em.createNativeQuery("insert into app_settings (key, value) values (?1, ?2) "
                        + "on conflict (key) do update set value = excluded.value, updated_at = now()")
                .setParameter(1, key).setParameter(2, value).executeUpdate();
    }
}
