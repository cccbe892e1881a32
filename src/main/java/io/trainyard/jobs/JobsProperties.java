package io.trainyard.jobs;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The job queue and its workers ({@code trainyard.jobs.*}).
 *
 * @param workers              worker threads in this replica, which is also the most jobs it runs at once
 *                             (default 1); 0 makes an API-only replica
 * @param maxConcurrentPerTeam the most RUNNING/CANCELLING jobs one team may have across all replicas
 *                             (default 0: unlimited)
 * @param maxAttempts          attempts per job before it ends FAILED with the last reason (default 3)
 * @param leaseDuration        how long a claim stays valid without a heartbeat (default PT30S); after it the
 *                             reaper requeues the job. Replica clocks must agree to well within this
 * @param heartbeatInterval    how often a worker renews its lease and looks for a cancel request (default
 *                             PT10S); must be shorter than the lease
 * @param pollInterval         how long an idle worker waits before looking for work again (default PT2S, with
 *                             ±20% jitter so replicas do not poll in lockstep)
 * @param reaperInterval       how often each replica looks for expired leases (default PT15S)
 * @param replicaId            this replica's name in {@code lease.owner} (default: host name plus a random suffix)
 * @param eventsPollInterval   how often an event stream reads its job from the database (default PT1S); events
 *                             from this replica arrive sooner
 * @param eventsTimeout        the longest an event stream stays open (default PT1H); clients reconnect
 * @param shutdownGrace        how long shutdown waits for running jobs to stop at a batch boundary and be
 *                             requeued (default PT20S); after it their leases simply expire
 */
@ConfigurationProperties(prefix = "trainyard.jobs")
public record JobsProperties(
        @DefaultValue("1") int workers,
        @DefaultValue("0") int maxConcurrentPerTeam,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("PT30S") Duration leaseDuration,
        @DefaultValue("PT10S") Duration heartbeatInterval,
        @DefaultValue("PT2S") Duration pollInterval,
        @DefaultValue("PT15S") Duration reaperInterval,
        @DefaultValue("") String replicaId,
        @DefaultValue("PT1S") Duration eventsPollInterval,
        @DefaultValue("PT1H") Duration eventsTimeout,
        @DefaultValue("PT20S") Duration shutdownGrace) {

    public JobsProperties {
        require(workers >= 0, "trainyard.jobs.workers must be 0 or more");
        require(maxConcurrentPerTeam >= 0, "trainyard.jobs.max-concurrent-per-team must be 0 (unlimited) or more");
        require(maxAttempts >= 1, "trainyard.jobs.max-attempts must be at least 1");
        require(positive(leaseDuration) && positive(heartbeatInterval) && positive(pollInterval)
                && positive(reaperInterval) && positive(eventsPollInterval) && positive(eventsTimeout)
                && shutdownGrace != null && !shutdownGrace.isNegative(), "trainyard.jobs durations must be positive");
        require(heartbeatInterval.compareTo(leaseDuration) < 0,
                "trainyard.jobs.heartbeat-interval must be shorter than trainyard.jobs.lease-duration");
        if (replicaId == null || replicaId.isBlank()) {
            replicaId = defaultReplicaId();
        }
    }

    /** Defaults throughout; tests override what they need. */
    public static JobsProperties defaults() {
        return new JobsProperties(1, 0, 3, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(15), "", Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(20));
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        // two replicas on one host (or one restarted) must never share an owner name
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
