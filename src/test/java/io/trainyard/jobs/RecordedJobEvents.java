package io.trainyard.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.springframework.context.event.EventListener;

/**
 * Every jobs event the application published, from any thread (Spring's {@code ApplicationEvents} sees only
 * the test thread, and ours come from request and worker threads).
 */
class RecordedJobEvents {

    private final List<Object> events = new CopyOnWriteArrayList<>();

    @EventListener
    void on(JobStateChanged event) {
        events.add(event);
    }

    @EventListener
    void on(JobDeleted event) {
        events.add(event);
    }

    @EventListener
    void on(JobSucceeded event) {
        events.add(event);
    }

    @EventListener
    void on(JobEpochCompleted event) {
        events.add(event);
    }

    <T> Stream<T> stream(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast);
    }
}
