package io.trainyard.training;

import io.trainyard.checkpoints.CheckpointInfo;
import io.trainyard.checkpoints.CheckpointStore;
import io.trainyard.checkpoints.RetentionPolicy;
import io.trainyard.checkpoints.VerifiedCheckpoint;
import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.jobs.ClaimedJob;
import io.trainyard.jobs.JobContext;
import io.trainyard.jobs.JobFailedException;
import io.trainyard.jobs.JobRunner;
import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSettings;
import io.trainyard.spec.TrainingSpec;
import io.trainyard.system.ApiException;
import io.trainyard.system.ThreadPriority;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains one claimed job epoch by epoch (DESIGN.md §5): resume from the newest verified checkpoint, fit with a
 * per-epoch shuffle derived from the job seed, record each epoch's metrics, checkpoint by the spec's policy, stop
 * early when asked, and register the best checkpoint as a model version when done. Every write goes through the
 * job's lease: once the lease is lost, nothing more is written and the runner returns.
 */
@Component
class TrainingJobRunner implements JobRunner {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobRunner.class);
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private final SpecValidator specs;
    private final TrainingDataLoader dataLoader;
    private final CheckpointStore checkpoints;
    private final ModelPublisher publisher;
    private final TrainingProperties properties;
    private final JsonMapper json;
    private final EngineWarmUp warmUp;
    private volatile boolean compilerThreadsLogged;

    TrainingJobRunner(SpecValidator specs, TrainingDataLoader dataLoader, CheckpointStore checkpoints,
            ModelPublisher publisher, TrainingProperties properties, JsonMapper json, EngineWarmUp warmUp) {
        this.specs = specs;
        this.dataLoader = dataLoader;
        this.checkpoints = checkpoints;
        this.publisher = publisher;
        this.properties = properties;
        this.json = json;
        this.warmUp = warmUp;
    }

    @Override
    public Outcome run(ClaimedJob job, JobContext ctx) throws Exception {
        warmUp.stop();
        // Every job, not once: it is cheap (one /proc listing), and it does not rely on the JVM starting every later
        // compiler thread from one that already has the value (ThreadPriority.niceCompilerThreads).
        if (properties.compilerThreadsNice() != 0) {
            int threads = ThreadPriority.niceCompilerThreads(properties.compilerThreadsNice());
            if (threads > 0 && !compilerThreadsLogged) {
                compilerThreadsLogged = true;
                log.info("JIT compiler threads ({}) set to nice {} beside training "
                        + "(trainyard.training.compiler-threads-nice)", threads, properties.compilerThreadsNice());
            }
        }
        TrainingSpec spec = json.readValue(job.spec(), TrainingSpec.class);
        NetworkPlan plan;
        try {
            plan = specs.validate(spec, "/spec");
        } catch (ApiException e) {
            throw new JobFailedException("The stored spec is no longer valid: " + e.getMessage(), false);
        }
        TrainingSettings settings = spec.training() == null
                ? new TrainingSettings(null, null, null, null, null, null) : spec.training();
        TrainingData data = dataLoader.load(job, spec);
        Start start = start(job, spec, plan, data);
        if (start.state() != null) {
            data = data.withNormalizer(start.state().normalizer());
        }
        try (CheckpointWriter writer = new CheckpointWriter(job.id().toString())) {
            return new EpochLoop(job, ctx, spec, settings, data, start, writer).run();
        }
    }

    /** Where training begins: a fresh network, the job's own newest checkpoint, or a parent job's checkpoint. */
    private record Start(Network network, CheckpointState state, Map<String, Object> note) {
    }

    /** The newest checkpoint that did not verify and why, with how many older ones did not either. */
    private static String why(List<VerifiedCheckpoint.Skipped> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        VerifiedCheckpoint.Skipped newest = skipped.get(0);
        return ": checkpoint " + newest.info().id() + " (epoch " + newest.info().epoch() + "): " + newest.reason()
                + (skipped.size() == 1 ? "" : "; " + (skipped.size() - 1) + " older one(s) did not verify either");
    }

    private Start start(ClaimedJob job, TrainingSpec spec, NetworkPlan plan, TrainingData data) throws IOException {
        Optional<VerifiedCheckpoint> own = checkpoints.loadLatestVerified(job.id());
        Optional<VerifiedCheckpoint> found = own;
        List<VerifiedCheckpoint.Skipped> parentSkipped = new ArrayList<>();
        if (found.isEmpty() && job.parentJobId() != null) {
            found = job.parentCheckpointId() == null ? checkpoints.loadLatestVerified(job.parentJobId(), parentSkipped)
                    : checkpoints.loadVerified(job.parentJobId(), job.parentCheckpointId(), parentSkipped);
        }
        Map<String, Object> note = new LinkedHashMap<>();
        if (found.isEmpty() && own.isEmpty() && job.parentJobId() != null) {
            // Training from scratch would register a "next version" that continues nothing.
            throw new JobFailedException("The checkpoint this job continues from (job " + job.parentJobId()
                    + (job.parentCheckpointId() == null ? "" : ", checkpoint " + job.parentCheckpointId())
                    + ") can no longer be loaded" + why(parentSkipped)
                    + "; submit a new job or continue from another checkpoint.", false);
        }
        if (found.isEmpty()) {
            if (job.epoch() > 0) {
                note.put("restartedFromScratch", "no checkpoint of the " + job.epoch()
                        + " finished epoch(s) could be loaded");
            }
            return new Start(Network.build(spec, plan), null, note);
        }
        try (VerifiedCheckpoint checkpoint = found.get()) {
            CheckpointArchive.Restored restored;
            try (InputStream in = Files.newInputStream(checkpoint.file())) {
                restored = CheckpointArchive.read(in, json);
            }
            note.put("resumedFrom", Map.of("checkpointId", checkpoint.info().id().toString(),
                    "epoch", checkpoint.info().epoch()));
            if (!checkpoint.skipped().isEmpty()) {
                note.put("skippedCheckpoints", checkpoint.skipped().stream().map(s -> Map.of(
                        "checkpointId", s.info().id().toString(), "epoch", s.info().epoch(), "reason", s.reason()))
                        .toList());
            }
            log.info("Job {} resumes from checkpoint {} (epoch {}){}", job.id(), checkpoint.info().id(),
                    checkpoint.info().epoch(), checkpoint.skipped().isEmpty() ? ""
                            : "; skipped " + checkpoint.skipped().size() + " damaged newer checkpoint(s)");
            CheckpointState state = restored.state();
            if (own.isEmpty()) {
                // A continued job counts its own epochs from the parent's, with the parent's optimizer state.
                state = new CheckpointState(state.epoch(), state.iteration(), state.normalizer(),
                        state.earlyStopping(), state.losses(), 0);
            }
            restored.network().setEpochCount(state.epoch());
            return new Start(restored.network(), state, note);
        }
    }

    /** One attempt's epoch loop; its fields are the training state that checkpoints save. */
    private final class EpochLoop {

        private final ClaimedJob job;
        private final JobContext ctx;
        private final TrainingSettings settings;
        private final TrainingData data;
        private final Network network;
        private final long seed;
        private final int batchSize;
        private final int totalEpochs;
        private final CheckpointPlan checkpointPlan;
        private final Map<String, Object> note;
        private final CheckpointWriter writer;
        private final Duration maxRuntime;
        private final long startedAt = System.nanoTime();
        private final long runtimeBefore;
        private int epoch;
        private long iteration;
        private EarlyStopping early;
        private final List<double[]> losses;
        private CheckpointInfo lastCheckpoint;
        private long lastCheckpointAt = System.nanoTime();
        private long lastProgressAt = System.nanoTime();

        EpochLoop(ClaimedJob job, JobContext ctx, TrainingSpec spec, TrainingSettings settings, TrainingData data,
                Start start, CheckpointWriter writer) {
            this.job = job;
            this.writer = writer;
            this.ctx = ctx;
            this.settings = settings;
            this.data = data;
            this.network = start.network();
            this.seed = spec.seedOrDefault();
            this.batchSize = spec.batchSizeOrDefault();
            this.totalEpochs = job.totalEpochs();
            this.checkpointPlan = CheckpointPlan.of(settings.checkpoints(), properties.defaultKeepLast());
            this.note = start.note();
            this.maxRuntime = settings.earlyStopping() == null ? null : settings.earlyStopping().maxRuntime();
            CheckpointState state = start.state();
            this.epoch = state == null ? 0 : state.epoch();
            this.iteration = state == null ? 0 : state.iteration();
            this.early = state != null && state.earlyStopping() != null ? state.earlyStopping()
                    : EarlyStoppingRules.start(settings.earlyStopping(), data.hasValidation());
            this.losses = state == null || state.losses() == null ? new ArrayList<>() : new ArrayList<>(state.losses());
            this.runtimeBefore = state == null ? 0 : state.runtimeMillis();
        }

        Outcome run() throws IOException {
            int n = data.train().count();
            String stopReason = null;
            while (epoch < totalEpochs) {
                int e = epoch + 1;
                long epochStart = System.nanoTime();
                int[] order = TrainingData.epochOrder(n, seed, e);
                double lossSum = 0;
                for (int from = 0; from < n; from += batchSize) {
                    if (ctx.shouldStop()) {
                        return Outcome.STOPPED;
                    }
                    int to = Math.min(n, from + batchSize);
                    Batch batch = data.batch(data.train(), order, from, to);
                    double loss = network.fitBatch(batch);
                    iteration++;
                    if (!Double.isFinite(loss)) {
                        throw new JobFailedException("Training diverged at epoch " + e + ", iteration " + iteration
                                + " (loss " + loss + "). Lower the learning rate (optimizer.learningRate) or clip "
                                + "gradients (optimizer.gradientNormalization, e.g. clip_l2_per_layer).", false);
                    }
                    lossSum += loss * (to - from);
                    maybeReportProgress(e, from + (to - from), n, epochStart);
                }
                network.setEpochCount(e);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                Map<String, Object> metrics = epochMetrics(e, lossSum / n, seconds, n);
                epoch = e;
                if (!ctx.recordEpochMetrics(e, metrics)) {
                    return Outcome.STOPPED;
                }
                if (early.exhausted()) {
                    stopReason = "early stopping: " + early.metric() + " did not improve for " + early.patience()
                            + " epochs (best " + early.best() + " at epoch " + early.bestEpoch() + ")";
                } else if (maxRuntime != null && runtimeMillis() >= maxRuntime.toMillis()) {
                    stopReason = "maximum runtime " + maxRuntime + " reached";
                }
                boolean last = epoch == totalEpochs || stopReason != null;
                if (last || checkpointPlan.due(epoch, System.nanoTime() - lastCheckpointAt)) {
                    if (!checkpoint(metrics)) {
                        return Outcome.STOPPED;
                    }
                }
                ctx.reportProgress(epoch, iteration, metrics, n / Math.max(seconds, 1e-9),
                        Duration.ofMillis((long) (seconds * 1000 * (totalEpochs - epoch))));
                if (stopReason != null) {
                    log.info("Job {} stops after epoch {}: {}", job.id(), epoch, stopReason);
                    break;
                }
            }
            if (!awaitCheckpoint()) {
                return Outcome.STOPPED;
            }
            if (lastCheckpoint == null || lastCheckpoint.epoch() != epoch) {
                // Resumed at the final epoch (a crash after the last checkpoint): nothing new to save.
                lastCheckpoint = checkpoints.latest(job.id()).orElse(null);
            }
            if (ctx.leaseLost()) {
                return Outcome.STOPPED;
            }
            publisher.publish(job, data.metadata(), early, lastCheckpoint, network);
            return Outcome.COMPLETED;
        }

        private Map<String, Object> epochMetrics(int e, double trainingLoss, double seconds, int n) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("epoch", e);
            metrics.put("loss", trainingLoss);
            if (early.metric().equals("accuracy")) {
                // Training accuracy costs a pass over the training split: only when early stopping watches it.
                Map<String, Object> onTraining = Evaluation.evaluate(network, data, data.train(), "");
                onTraining.remove("loss"); // the epoch's mean batch loss above is the training loss
                metrics.putAll(onTraining);
            }
            if (data.hasValidation()) {
                metrics.putAll(Evaluation.evaluate(network, data, data.validation(), "validation"));
            }
            metrics.put("learningRate", network.learningRate());
            metrics.put("epochSeconds", seconds);
            metrics.put("samplesPerSecond", n / Math.max(seconds, 1e-9));
            early = early.observe(e, metrics);
            Object validationLoss = metrics.get("validationLoss");
            losses.add(new double[] {trainingLoss,
                    validationLoss instanceof Number v ? v.doubleValue() : Double.NaN});
            FitDiagnosis fit = FitDiagnosis.of(losses);
            metrics.put("fit", fit.verdict());
            if (fit.fromEpoch() != null) {
                metrics.put("overfittingFromEpoch", fit.fromEpoch());
            }
            metrics.put("fitAdvice", fit.advice());
            if (!note.isEmpty()) {
                metrics.putAll(note);
                note.clear();
            }
            return metrics;
        }

        /**
         * Snapshots the network and hands it to the background writer; returns false when the previous
         * checkpoint could not be committed because the lease was lost.
         */
        private boolean checkpoint(Map<String, Object> metrics) throws IOException {
            if (!awaitCheckpoint()) {
                return false;
            }
            CheckpointState state = new CheckpointState(epoch, iteration, data.metadata().normalizer(), early,
                    List.copyOf(losses), runtimeMillis());
            long snapshotStart = System.nanoTime();
            Network.Snapshot snapshot = network.snapshot();
            double snapshotSeconds = (System.nanoTime() - snapshotStart) / 1e9;
            long leaseEpoch = ctx.leaseEpoch();
            int atEpoch = epoch;
            long atIteration = iteration;
            Map<String, Object> atMetrics = new LinkedHashMap<>(metrics);
            RetentionPolicy retention = new RetentionPolicy(checkpointPlan.keepLast(),
                    checkpointPlan.keepBest() ? 1 : 0, early.metric(),
                    early.maximise() ? RetentionPolicy.Mode.max : RetentionPolicy.Mode.min);
            writer.submit(() -> {
                long persistStart = System.nanoTime();
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                try (snapshot) {
                    Optional<CheckpointInfo> committed = persist(snapshot, state, leaseEpoch, atEpoch, atIteration,
                            atMetrics, retention);
                    // The pause is what training waits for; the background CPU is what it competes with.
                    committed.ifPresent(c -> log.info("Job {}: checkpoint at epoch {} committed, {} bytes; training "
                            + "paused {} s for the snapshot; written in the background in {} s using {} s of CPU",
                            job.id(), atEpoch, c.sizeBytes(), String.format("%.3f", snapshotSeconds),
                            String.format("%.3f", (System.nanoTime() - persistStart) / 1e9),
                            String.format("%.3f", (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9)));
                    return committed;
                } catch (IOException | RuntimeException e) {
                    log.warn("Checkpoint of job {} at epoch {} failed: {}", job.id(), atEpoch, e.toString());
                    throw e;
                }
            });
            lastCheckpointAt = System.nanoTime();
            return true;
        }

        /**
         * On the writer's thread: writes the archive into the object store (straight into the object for a local
         * store; spooled first for S3) and commits it, fenced.
         */
        private Optional<CheckpointInfo> persist(Network.Snapshot snapshot, CheckpointState state, long leaseEpoch,
                int atEpoch, long atIteration, Map<String, Object> metrics, RetentionPolicy retention)
                throws IOException {
            Optional<CheckpointInfo> committed = checkpoints.commit(job.id(), leaseEpoch, atEpoch, atIteration,
                    metrics, out -> CheckpointArchive.write(out, snapshot, state, json));
            if (committed.isPresent()) {
                checkpoints.retain(job.id(), leaseEpoch, retention);
            }
            return committed;
        }

        /** Waits for the checkpoint in flight; false when the lease was lost before it could commit. */
        private boolean awaitCheckpoint() throws IOException {
            CheckpointWriter.Result result = writer.await();
            if (result.info() != null) {
                lastCheckpoint = result.info();
            }
            return !result.leaseLost();
        }

        private void maybeReportProgress(int e, int done, int n, long epochStart) {
            long now = System.nanoTime();
            if (now - lastProgressAt < properties.progressInterval().toNanos()) {
                return;
            }
            lastProgressAt = now;
            double elapsed = (now - epochStart) / 1e9;
            double rate = done / Math.max(elapsed, 1e-9);
            long remaining = (long) (n - done) + (long) n * (totalEpochs - e);
            ctx.reportProgress(e - 1, iteration, Map.of("epochProgress", (double) done / n), rate,
                    Duration.ofMillis((long) (remaining / rate * 1000)));
        }

        private long runtimeMillis() {
            return runtimeBefore + (System.nanoTime() - startedAt) / 1_000_000;
        }
    }
}
