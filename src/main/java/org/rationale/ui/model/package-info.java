/**
 * The model pages of a project: upload a TorchScript model with its input spec, train the
 * platform's CNN, and run the randomisation sanity checks as a background job.
 */
package org.rationale.ui.model;
