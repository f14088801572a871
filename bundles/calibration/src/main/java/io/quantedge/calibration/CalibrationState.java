package io.quantedge.calibration;

/** The states a calibration job goes through, as its job topic reports them. */
enum CalibrationState {
    COLLECTING, CALIBRATING, VALIDATING, ACTIVATING, ACTIVE, REJECTED, FAILED, ROLLED_BACK;

    boolean finished() {
        return this == ACTIVE || this == REJECTED || this == FAILED || this == ROLLED_BACK;
    }
}
