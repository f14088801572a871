/**
 * The gateway's MQTT connection as other bundles use it: topics under the gateway's root, publish,
 * subscriptions that survive reconnects, and commands answered over MQTT 5 request/response.
 */
@Export
@Version("1.1.0")
package io.quantedge.api.mqtt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
