/**
 * Bringing data into a project from the browser: the import page (a zip of class folders or an IDX
 * pair, checked and compared with the project's classes before anything is stored, then imported
 * with its progress shown). It uses the frame of {@code ui} and the services of {@code dataset}.
 */
package org.rationale.ui.dataset;
