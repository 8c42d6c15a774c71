/**
 * The run folder ({@code runs/NAME/STAMP}, {@code runs/NAME/latest}) and everything written into it:
 * provenance, the report files, the model; {@link org.fmnist.runner.folder.FinishedRun} reads one back
 * for {@code rerun}, {@code ensemble} and {@code compare}.
 */
package org.fmnist.runner.folder;
