package org.rationale.security;

/**
 * The members of projects as the project package stores them; {@link AccountService} decides who
 * may change them and records the change.
 */
public interface ProjectMembers {

    /** Whether the project exists. */
    boolean exists(long projectId);

    /** Makes the user a member; false when they were one already. */
    boolean add(long projectId, long userId);

    /** Ends a membership; false when there was none. */
    boolean remove(long projectId, long userId);
}
