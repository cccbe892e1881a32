package io.trainyard.jobs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event streams of {@code GET /api/v1/jobs/{id}/events}. Each stream reads its job from the database every
 * {@code eventsPollInterval}, because the worker training it may be another replica whose in-process events
 * never arrive here; this replica's own events only make a stream look sooner.
 */
class JobEventStreams implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    private final JobRepository jobs;
    private final JsonMapper json;
    private final JobsProperties properties;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller;

    JobEventStreams(JobRepository jobs, JsonMapper json, JobsProperties properties) {
        this.jobs = jobs;
        this.json = json;
        this.properties = properties;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jobs-event-streams");
            t.setDaemon(true);
            return t;
        });
        long every = properties.eventsPollInterval().toMillis();
        poller.scheduleWithFixedDelay(() -> streams.forEach(Stream::poll), every, every, TimeUnit.MILLISECONDS);
    }

    SseEmitter open(JobRow job) {
        SseEmitter emitter = new SseEmitter(properties.eventsTimeout().toMillis());
        Stream stream = new Stream(job.id(), job.team(), emitter);
        streams.add(stream);
        emitter.onCompletion(() -> streams.remove(stream));
        emitter.onTimeout(stream::close);
        emitter.onError(e -> streams.remove(stream));
        poller.execute(stream::poll);
        return emitter;
    }

    @EventListener
    void on(JobStateChanged event) {
        nudge(event.jobId());
    }

    @EventListener
    void on(JobEpochCompleted event) {
        nudge(event.jobId());
    }

    private void nudge(UUID jobId) {
        if (streams.stream().anyMatch(s -> s.jobId.equals(jobId))) {
            poller.execute(() -> streams.stream().filter(s -> s.jobId.equals(jobId)).forEach(Stream::poll));
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
        streams.forEach(Stream::close);
    }

    private final class Stream {
        private final UUID jobId;
        private final String team;
        private final SseEmitter emitter;
        private boolean started;
        private boolean closed;
        private JobState lastState;
        private int lastMetricsEpoch = -1;
        private int lastProgressEpoch = -1;
        private long lastIteration = -1;

        Stream(UUID jobId, String team, SseEmitter emitter) {
            this.jobId = jobId;
            this.team = team;
            this.emitter = emitter;
        }

        /** Sends what changed since the last look: new epochs' metrics first, then the state or progress. */
        synchronized void poll() {
            if (closed) {
                return;
            }
            try {
                Optional<JobRow> found = jobs.find(jobId, team);
                if (found.isEmpty()) {
                    send("deleted", Map.of("id", jobId));
                    close();
                    return;
                }
                JobRow job = found.get();
                if (!started) {
                    // a late subscriber sees the current state at once, then the history so far
                    started = true;
                    sendState(job);
                    sendMetrics();
                } else {
                    sendMetrics();
                    if (job.state() != lastState) {
                        sendState(job);
                    } else if (job.epoch() != lastProgressEpoch || job.iteration() != lastIteration) {
                        send("progress", JobResource.progress(job));
                    }
                }
                lastProgressEpoch = job.epoch();
                lastIteration = job.iteration();
                if (job.state().isTerminal()) {
                    close();
                }
            } catch (IOException | IllegalStateException e) {
                // the client went away
                close();
            } catch (RuntimeException e) {
                log.warn("Event stream for job {} could not read it (will retry): {}", jobId, e.toString());
            }
        }

        private void sendState(JobRow job) throws IOException {
            send("state", JobResource.of(job, null, json));
            lastState = job.state();
        }

        private void sendMetrics() throws IOException {
            List<EpochMetrics> fresh = jobs.metrics(jobId, lastMetricsEpoch);
            for (EpochMetrics m : fresh) {
                send("metrics", m);
                lastMetricsEpoch = m.epoch();
            }
        }

        private void send(String name, Object data) throws IOException {
            emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON));
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                streams.remove(this);
                try {
                    emitter.complete();
                } catch (RuntimeException e) {
                    // already completed by the container
                }
            }
        }
    }
}
