/**
 * The Fashion-MNIST data set: its ten classes, the IDX file format it ships in, where the files are
 * found on a machine, and the checks that make sure they are the official files.
 */
package org.fmnist.core.data;
