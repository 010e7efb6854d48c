package org.rationale.project;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.rationale.database.Owns;

/** All the SQL of projects, their classes and members; returns entities and records. */
@ApplicationScoped
@Owns({"projects", "project_classes", "project_members"})
public class ProjectStore {

    @Inject
    EntityManager em;
}
