package io.quantedge.engine.ops;

import io.quantedge.engine.OpRegistry;

/** Ops that move, select or create elements without arithmetic on them, and shape queries. */
final class TensorOps {

    private TensorOps() {
    }

    static void register(OpRegistry registry) {
        registry.register("", "Shape", ShapeOp::shape);
        registry.register("", "Size", ShapeOp::size);
        registry.register("", "Reshape", ShapeChange::reshape);
        registry.register("", "Flatten", ShapeChange::flatten);
        registry.register("", "Squeeze", ShapeChange::squeeze);
        registry.register("", "Unsqueeze", ShapeChange::unsqueeze);
        registry.register("", "Transpose", TransposeOp::new);
        registry.register("", "Concat", ConcatOp::new);
        registry.register("", "Split", SplitOp::new);
        registry.register("", "Slice", SliceOp::new);
        registry.register("", "Gather", GatherOp::new);
        registry.register("", "Expand", ExpandOp::expand);
        registry.register("", "Tile", ExpandOp::tile);
        registry.register("", "Constant", ConstantOp::create);
        registry.register("", "ConstantOfShape", ConstantOp::ofShape);
        registry.register("", "Range", ConstantOp::range);
        registry.register("", "Pad", PadOp::new);
        registry.register("", "Resize", ResizeOp::resize);
        registry.register("", "Upsample", ResizeOp::upsample);
    }
}
