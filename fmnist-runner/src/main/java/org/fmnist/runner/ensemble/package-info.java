/** Ensembles of finished runs, and the held-out scores that weigh and choose their members. */
package org.fmnist.runner.ensemble;
