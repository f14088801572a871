/**
 * Models served by name: runs go to a model's active version, and a new version is validated,
 * swapped in without dropping a request, watched, and kept or rolled back.
 */
@Export
@Version("1.1.0")
package io.quantedge.api.serving;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
