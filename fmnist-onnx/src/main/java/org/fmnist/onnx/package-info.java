/**
 * ONNX export: {@link org.fmnist.onnx.OnnxExport} writes a trained network as an ONNX model that ONNX
 * Runtime (and any other ONNX runtime) scores as fmnist does, checked against ONNX Runtime in the tests.
 */
package org.fmnist.onnx;
