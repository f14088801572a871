package io.quantedge.quantize;

/** How many scales a weight tensor gets. */
public enum Granularity {
    /** One scale per output channel: what CNNs need, since channels differ in range by orders of magnitude. */
    PER_CHANNEL,
    /** One scale for the whole tensor: what older runtimes and accelerators accept. */
    PER_TENSOR
}
