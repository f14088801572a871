/** The format-neutral graph a {@code ModelLoader} produces and the engine plans: nodes, attributes, initializers. */
@Export
@Version("1.0.0")
package io.quantedge.api.graph;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
