/**
 * The application's settings ({@code rationale.*}) as one typed configuration mapping. Owns no table and
 * depends on nothing else in the application, so that every package may read it.
 */
package org.rationale.config;
