package org.fmnist.runner;

import java.util.Collection;
import org.bytedeco.javacpp.Pointer;
import org.fmnist.core.model.ModelFactory;

/**
 * JavaCPP's guard on native memory ({@code org.bytedeco.javacpp.maxPhysicalBytes}), chosen once per
 * process from the models it trains (see {@link ModelFactory#needsNativeMemoryGuard()}). JavaCPP
 * reads the setting when ND4J first loads, so the choice is made before that and then holds for the
 * rest of the process: a sweep keeps the guard unless none of its models needs it. A limit the user
 * gives with {@code -D} (through {@code FMNIST_JAVA_OPTS}) always wins.
 */
public final class NativeMemoryGuard {
    private static final String LIMIT = "org.bytedeco.javacpp.maxPhysicalBytes";
    private static final String LIMIT_LOWER_CASE = "org.bytedeco.javacpp.maxphysicalbytes";
    /**
     * The guard's limit, the one the CNNs were measured with: the deep CNN then peaks at 3.3 GB instead
     * of running away. JavaCPP's own default would be twice the 1 GB heap.
     */
    static final String GUARDED_LIMIT = "3G";
    private static final String NO_LIMIT = "0";

    private final boolean mayChoose;
    private boolean chosen;

    private NativeMemoryGuard(boolean mayChoose) {
        this.mayChoose = mayChoose;
    }

    /** For {@code main}: this process runs one runner command; the guard is on until a choice drops it. */
    static NativeMemoryGuard forThisProcess() {
        boolean userChose = System.getProperty(LIMIT) != null || System.getProperty(LIMIT_LOWER_CASE) != null;
        if (!userChose) {
            System.setProperty(LIMIT, GUARDED_LIMIT);
        }
        return new NativeMemoryGuard(!userChose);
    }

    /** For a runner called inside a JVM that is not its own (tests): that JVM's setting stays. */
    public static NativeMemoryGuard unchanged() {
        return new NativeMemoryGuard(false);
    }

    /** Drops the guard when no model in {@code models} needs it, unless the choice was made already. */
    public void chooseFor(Collection<? extends ModelFactory<?>> models) {
        if (!mayChoose || chosen) {
            return;
        }
        chosen = true;
        if (!models.isEmpty() && models.stream().noneMatch(ModelFactory::needsNativeMemoryGuard)) {
            System.setProperty(LIMIT, NO_LIMIT);
        }
    }

    /** The limit JavaCPP actually applies in this process, in bytes; 0 when there is none. */
    public static long limitBytes() {
        return Pointer.maxPhysicalBytes();
    }
}
