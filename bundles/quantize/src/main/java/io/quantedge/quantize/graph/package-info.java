/** Graph rewrites the quantizer is made of; not exported. */
package io.quantedge.quantize.graph;
