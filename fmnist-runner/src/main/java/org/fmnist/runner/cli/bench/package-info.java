/** {@code runner bench} and {@code runner bench-captions}: timings on the real data, for {@code bench/run}. */
package org.fmnist.runner.cli.bench;
