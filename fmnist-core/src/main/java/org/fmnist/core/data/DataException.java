package org.fmnist.core.data;

/** The data could not be found, read or trusted. The message says what is wrong and how to fix it. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
