/**
 * The ONNX model reader: a bounds-checked protobuf wire-format decoder, decoders for the ONNX
 * messages the engine needs, and the {@code ModelLoader} component. Not exported: other bundles
 * reach it only through the {@code ModelLoader} service, and the conformance tools through
 * {@code io.quantedge.onnx.tensorfile}.
 */
package io.quantedge.onnx;
