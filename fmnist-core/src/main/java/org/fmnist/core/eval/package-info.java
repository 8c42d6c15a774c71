/**
 * Measuring a trained model: predictions over a split, the confusion matrix, and the per-class
 * classification report with macro and weighted averages.
 */
package org.fmnist.core.eval;
