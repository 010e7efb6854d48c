package org.rationale.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A person who logs in: a username, a bcrypt password hash, one role, and whether they may log in. */
@Entity
@Table(name = "users")
public class UserAccount extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true)
    public String username;

    @Column(name = "display_name")
    public String displayName;

    /** bcrypt in modular crypt format; never sent to clients. */
    @Column(name = "password_hash")
    public String passwordHash;

    /** Stored as its lower-case name ({@link RoleColumn}). */
    @Column(nullable = false)
    public Role role;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;
}
