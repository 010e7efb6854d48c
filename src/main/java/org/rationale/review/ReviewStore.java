package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.rationale.database.Owns;
import org.rationale.dataset.Split;
import org.rationale.model.ShortcutMasks;

import java.util.List;

/** All the SQL of verdicts, annotation masks, reservations and hand-outs of a review session. */
@ApplicationScoped
@Owns({"annotations", "reviews", "review_handouts", "review_reservations"})
public class ReviewStore {

    @Inject
    EntityManager em;

    /** Every non-empty shortcut mask on the samples of a split of the project, by sample id (training feedback). */
    @Transactional
    public List<ShortcutMasks.Mask> shortcutMasks(long projectId, Split split) {
        List<?> rows = em.createNativeQuery("select a.sample_id, a.mask from annotations a join samples s "
                        + "on s.id = a.sample_id where s.project_id = ?1 and s.split = ?2 and a.kind = 'shortcut' "
                        + "and a.pixels > 0 order by a.sample_id", Tuple.class)
                .setParameter(1, projectId).setParameter(2, split.value()).getResultList();
        return rows.stream().map(Tuple.class::cast).map(t -> new ShortcutMasks.Mask(
                t.get("sample_id", Number.class).longValue(), t.get("mask", byte[].class))).toList();
    }
}
