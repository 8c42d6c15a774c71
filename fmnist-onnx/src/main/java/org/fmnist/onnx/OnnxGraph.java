package org.fmnist.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph as it is written: nodes in order, each output a fresh name, and the weights as
 * initializers. The exporter ({@link OnnxExport}) adds one DL4J layer or vertex at a time; this class
 * knows ONNX's protobuf, not DL4J.
 */
final class OnnxGraph {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int names;

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Declares a float input or output of {@code dims}; a negative dimension is the batch, named {@code N}. */
    void input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
    }

    void output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
    }

    /** Adds {@code values} as a float initializer of {@code dims} (row-major); returns its name. */
    String weights(String name, INDArray values, long... dims) {
        if (values.length() != Arrays.stream(dims).reduce(1, (a, b) -> a * b)) {
            throw new IllegalArgumentException(name + ": " + values.length() + " values for dims " + Arrays.toString(dims));
        }
        // c-order copy: the logical order of values, whatever DL4J's view layout (dense weights are 'f').
        float[] floats = values.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(floats.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(floats);
        String unique = fresh(name);
        graph.addInitializer(TensorProto.newBuilder().setName(unique).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(bytes.array())));
        return unique;
    }

    /** Adds an int64 initializer (a shape, say); returns its name. */
    String longs(String name, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        String unique = fresh(name);
        graph.addInitializer(TensorProto.newBuilder().setName(unique).setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length).setRawData(ByteString.copyFrom(bytes.array())));
        return unique;
    }

    /** Adds a node of {@code op} reading {@code inputs}; returns the name of its one output. */
    String node(String op, String name, List<String> inputs, AttributeProto... attributes) {
        String output = fresh(name);
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
        return output;
    }

    /** Renames {@code value} to {@code name} (an Identity node), for the graph's declared output. */
    void rename(String value, String name) {
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name));
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto ints(String name, long... values) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(values).boxed().toList()).build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto real(String name, double value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) value).build();
    }

    /** A name no other value of the graph has: DL4J's layer names with a counter, readable in Netron. */
    private String fresh(String name) {
        return name.replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + names++;
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
