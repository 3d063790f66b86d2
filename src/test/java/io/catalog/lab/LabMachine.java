package io.catalog.lab;

/** The machine a lab or benchmark ran on, for reports. */
public final class LabMachine {

    private LabMachine() {
    }

    /** CPU model, nproc, OS and Java. */
    public static String describe() {
        return LabReport.machine();
    }
}
