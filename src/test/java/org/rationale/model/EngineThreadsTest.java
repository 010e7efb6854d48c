package org.rationale.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineThreadsTest {

    @Test
    void automaticLeavesACoreFreeAndSharesTheRestAmongWorkerThreads() {
        assertEquals(1, EngineThreads.intraOp(0, 2, 1), "2 cores, 1 worker thread");
        assertEquals(1, EngineThreads.intraOp(0, 1, 1), "never fewer than 1");
        assertEquals(7, EngineThreads.intraOp(0, 8, 1));
        assertEquals(3, EngineThreads.intraOp(0, 8, 2));
        assertEquals(15, EngineThreads.intraOp(0, 16, 0), "a server without workers computes single maps");
    }

    @Test
    void aServersBackgroundThreadsCountBesideItsWorkerThreadsAWorkerProcessHasNone() {
        assertEquals(2, EngineThreads.computingThreads("server", 1), "one worker thread and the review's background");
        assertEquals(1, EngineThreads.computingThreads("server", 0));
        assertEquals(4, EngineThreads.computingThreads(" Worker ", 4));
        assertEquals(3, EngineThreads.intraOp(0, 8, EngineThreads.computingThreads("server", 1)), "7 cores / 2 threads");
        assertEquals(7, EngineThreads.intraOp(0, 8, EngineThreads.computingThreads("worker", 1)));
        assertEquals(1, EngineThreads.intraOp(0, 2, EngineThreads.computingThreads("server", 1)), "this 2-core host");
        assertEquals(3, EngineThreads.intraOp(0, 16, EngineThreads.computingThreads("server", 3)), "15 / 4");
    }

    @Test
    void aSettingWinsOverTheAutomaticCount() {
        assertEquals(4, EngineThreads.intraOp(4, 2, 1));
    }

    @Test
    void refusesNegativeThreadCounts() {
        var e = assertThrows(IllegalStateException.class, () -> EngineThreads.intraOp(-1, 2, 1));
        assertTrue(e.getMessage().contains("rationale.engine.intra-op-threads"), e.getMessage());
        var f = assertThrows(IllegalStateException.class, () -> EngineThreads.beforeEngineStarts(1, 0));
        assertTrue(f.getMessage().contains("rationale.engine.inter-op-threads"), f.getMessage());
    }
}
