package io.trainyard.training;

import io.trainyard.engine.Network;
import io.trainyard.jobs.JobsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the service is up, and only where it trains, initialises what the engine would otherwise initialise at
 * the first checkpoint of the first job: DL4J's configuration JSON took 0.2-0.5 s of that checkpoint's pause
 * (0.36 s for the first CNN; docs/performance.md, "The checkpoint's pause"). On its own thread, so readiness does
 * not wait for it.
 */
@Component
class EngineWarmUp {

    private static final Logger log = LoggerFactory.getLogger(EngineWarmUp.class);

    private final JobsProperties jobs;

    EngineWarmUp(JobsProperties jobs) {
        this.jobs = jobs;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (jobs.workers() == 0) {
            return;
        }
        Thread t = new Thread(EngineWarmUp::warmUp, "engine-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void warmUp() {
        long start = System.nanoTime();
        try {
            Network.warmUp();
            log.debug("Engine warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            // Only a pause saved is at stake: the first checkpoint initialises the same on its own.
            log.warn("Warming the engine up failed; the first checkpoint will pause longer", e);
        }
    }
}
