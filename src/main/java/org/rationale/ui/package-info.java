/**
 * The Vaadin UI's frame and project-wide pages: layout, login, projects, samples, jobs, users,
 * secured navigation, and {@link org.rationale.ui.Routes}, the paths of every page. Views call
 * services only, never SQL; this package imports none of its sub-packages' views.
 */
package org.rationale.ui;
