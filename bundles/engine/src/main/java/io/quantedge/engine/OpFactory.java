package io.quantedge.engine;

import io.quantedge.api.model.ModelLoadException;

/** Makes the {@link Operator} for one node of one op type, checking its attributes and opset. */
@FunctionalInterface
public interface OpFactory {

    Operator create(NodeContext node) throws ModelLoadException;
}
