/**
 * fmnist-engine: the fast paths a network takes instead of DL4J's own, found by core through
 * {@link org.fmnist.core.model.Engine}. The dense stack's step and inference call BLAS and plain loops;
 * the CNNs' and the residual networks' drive oneDNN's primitives directly through JavaCPP. Each is checked against DL4J's own path
 * by a twin test, within bounds derived from the arithmetic (docs/tests.md).
 */
package org.fmnist.engine;
