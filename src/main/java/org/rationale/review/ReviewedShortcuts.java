package org.rationale.review;

import jakarta.enterprise.context.ApplicationScoped;
import org.rationale.dataset.Split;
import org.rationale.model.ShortcutMasks;

import java.time.OffsetDateTime;
import java.util.List;

/** The shortcut masks experts painted, for training with their feedback. */
@ApplicationScoped
public class ReviewedShortcuts implements ShortcutMasks {

    private final ReviewStore store;

    ReviewedShortcuts(ReviewStore store) {
        this.store = store;
    }

    @Override
    public List<Mask> of(long projectId, Split split) {
        return store.shortcutMasks(projectId, split);
    }

    @Override
    public List<Mask> paintedBefore(long projectId, Split split, OffsetDateTime before) {
        return store.shortcutMasksBefore(projectId, split, before);
    }

    @Override
    public int count(long projectId, Split split) {
        return store.shortcutMaskCount(projectId, split);
    }
}
