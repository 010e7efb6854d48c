package org.rationale.security;

import java.util.Optional;

/**
 * Another place that knows who is calling when the HTTP request carries no identity, such as the
 * UI session during server push. The UI provides one; {@link Access} asks every source there is.
 */
public interface CallerSource {

    /** The caller this source knows of in the current thread, if any. */
    Optional<Caller> current();
}
