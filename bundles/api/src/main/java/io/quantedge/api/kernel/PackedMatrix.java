package io.quantedge.api.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A constant matrix (weights) in whatever layout a backend computes fastest with, made once when a
 * model is loaded and used for every run. Only the backend that packed it can use it.
 */
@ConsumerType
public interface PackedMatrix {

    /** Rows of the logical matrix (K for a K x N weight). */
    int rows();

    /** Columns of the logical matrix (N for a K x N weight). */
    int columns();

    /** Bytes this packed form holds, reported as the model's weight memory. */
    long bytes();
}
