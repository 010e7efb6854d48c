package org.rationale.model;

import java.util.concurrent.locks.ReentrantLock;

/**
 * DJL allows one open GradientCollector per JVM: every saliency backward pass and every training
 * step takes this lock.
 */
public final class EngineLock {

    public static final ReentrantLock GRADIENTS = new ReentrantLock();

    private EngineLock() {
    }
}
