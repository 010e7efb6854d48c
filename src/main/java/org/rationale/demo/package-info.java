/**
 * The demo project seeded on the first start: the decoy Fashion-MNIST variants of Ross et al.
 * (2017), its users and the background training of its CNN. It owns no table; it writes through
 * the services of the project, dataset, model and security packages.
 */
package org.rationale.demo;
