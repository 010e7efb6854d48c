/**
 * Domain errors: what a service refuses and why, without HTTP. The one place that maps them to
 * status codes is the web edge. This package depends on nothing else in the application.
 */
package org.rationale.error;
