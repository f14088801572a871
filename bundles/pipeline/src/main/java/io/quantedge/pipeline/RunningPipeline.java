package io.quantedge.pipeline;

/** A pipeline at work, as the metrics see it. A service inside this bundle only. */
interface RunningPipeline {

    PipelineSnapshot snapshot();
}
