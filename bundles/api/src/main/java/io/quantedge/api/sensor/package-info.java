/** Sensors: adapters that emit frames (images or readings) to a listener. */
@Export
@Version("1.1.0")
package io.quantedge.api.sensor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
