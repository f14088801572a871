/** The {@code quantedge quantize} and {@code quantedge eval} commands; not exported. */
package io.quantedge.quantize.cli;
