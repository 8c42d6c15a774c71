/**
 * The {@code runner} command: {@link org.fmnist.runner.RunnerMain} builds the one Guice injector from
 * the plugins found on the class path and hands the command line to {@code cli}. The rooms, in the
 * order one run walks through them: {@code cli} (the commands), {@code experiment} (prepare, train,
 * evaluate one spec), {@code folder} (the run folder and what is written into it), {@code tracking}
 * (the trackers the spec names); beside them {@code sweep}, {@code ensemble} (ensembles and held-out
 * scores) and {@code job} (portable jobs).
 */
package org.fmnist.runner;
