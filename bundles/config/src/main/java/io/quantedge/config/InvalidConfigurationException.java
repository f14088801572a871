package io.quantedge.config;

/** A configuration file that cannot be applied; the message names the file and what is wrong in it. */
public class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidConfigurationException(String message) {
        super(message);
    }
}
