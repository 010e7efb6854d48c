package org.rationale.database;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one class that holds all the SQL of some tables: only such a class may create a query,
 * insert into, update or delete from them, and every table of the schema has exactly one owner.
 * Others ask the owner. An empty list marks a class that runs SQL on no table of the application
 * (the server's roles and databases, the catalog). {@code TableOwnershipTest} enforces this from the
 * compiled classes, their sources and the migrations.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Owns {

    /** The tables (as named in {@code db/migration}) this class owns. */
    String[] value();
}
