package io.quantedge.engine.plan;

import io.quantedge.api.graph.Node;
import io.quantedge.engine.Operator;

/** A node that runs at run time (it was not folded), with its operator. */
public record PreparedNode(Node node, Operator operator) {
}
