/**
 * Model packages ({@code .qmp}): a signed zip of a model, its labels and test vectors, described by
 * a manifest. {@code ModelPackages} writes, verifies and extracts them.
 */
@Export
@Version("1.1.0")
package io.quantedge.api.modelpackage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
