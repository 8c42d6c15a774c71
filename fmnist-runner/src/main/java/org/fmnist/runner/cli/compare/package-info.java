/** {@code runner compare}: finished runs side by side, as a table and a chart. */
package org.fmnist.runner.cli.compare;
