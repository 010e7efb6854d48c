package org.rationale.model;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputeDeviceTest {

    @Test
    void autoTakesTheFirstGpuWhenThereIsOne() {
        assertEquals(Device.gpu(0), ComputeDevice.resolve("auto", 2));
        assertEquals(Device.cpu(), ComputeDevice.resolve("auto", 0));
        assertEquals(Device.cpu(), ComputeDevice.resolve(null, 0));
    }

    @Test
    void cpuIsForcedEvenWithAGpu() {
        assertEquals(Device.cpu(), ComputeDevice.resolve(" CPU ", 1));
    }

    @Test
    void gpuWithoutAGpuRefusesToStart() {
        var e = assertThrows(IllegalStateException.class, () -> ComputeDevice.resolve("gpu", 0));
        assertTrue(e.getMessage().contains("finds no CUDA device"), e.getMessage());
        assertEquals(Device.gpu(0), ComputeDevice.resolve("gpu", 1));
    }

    @Test
    void rejectsAnUnknownSetting() {
        var e = assertThrows(IllegalStateException.class, () -> ComputeDevice.resolve("tpu", 4));
        assertTrue(e.getMessage().contains("auto, cpu or gpu"), e.getMessage());
    }
}
