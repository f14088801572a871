package io.quantedge.api.pipeline;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The model inputs one running pipeline prepares from its frames (decoded, resized, normalised,
 * laid out: what its model is about to run on). The pipeline bundle registers one service per
 * pipeline with {@link #NAME_PROPERTY} set to the pipeline's name. With no listener the pipeline
 * does nothing more than before; with one, each frame's inputs are copied for it.
 */
@ProviderType
public interface PipelineInputs {

    /** Service property: the pipeline's name, as in its configuration and results topic. */
    String NAME_PROPERTY = "quantedge.pipeline.name";

    /** The name of the served model the pipeline feeds. */
    String model();

    /**
     * Hands {@code listener} the inputs of every frame from now on, on the pipeline's worker
     * thread, until the returned tap is closed. The listener must return quickly: the frame waits.
     */
    Tap listen(InputListener listener);

    /** A listener's registration. */
    interface Tap extends AutoCloseable {
        @Override
        void close();
    }
}
