/** Command-line commands that bundles contribute to the {@code quantedge} CLI. */
@Export
@Version("1.0.0")
package io.quantedge.api.cli;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
