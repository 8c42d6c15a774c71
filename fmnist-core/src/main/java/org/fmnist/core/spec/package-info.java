/**
 * Experiment specs: the typed records a YAML spec is read into, the layering of built-in defaults,
 * the spec file, the environment and command-line overrides, and the validation that turns every
 * mistake into an error naming the file, the key and the fix.
 */
package org.fmnist.core.spec;
