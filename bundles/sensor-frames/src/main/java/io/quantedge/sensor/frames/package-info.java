/** What the sensor adapters share: checking encoded images and handing frames to a listener, counted. */
@Export
@Version("1.0.0")
package io.quantedge.sensor.frames;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
