/** Loading and running models: {@code InferenceEngine}, {@code Model}, the {@code ModelLoader} format SPI. */
@Export
@Version("1.3.0")
package io.quantedge.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
