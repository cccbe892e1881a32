package io.trainyard.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service as a user runs it: {@code bin/trainyard} in a working folder of its own, as a child
 * process that a test can stop, kill and start again (failsafe *IT tests; the jar comes from the build).
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path workDir;
    private final int port;
    private final Map<String, String> environment;
    private final List<String> arguments;
    private Process process;

    public ServiceProcess(Path workDir, Map<String, String> environment, List<String> arguments) throws IOException {
        this.workDir = workDir;
        this.port = freePort();
        this.environment = environment;
        this.arguments = arguments;
    }

    public ServiceProcess start() throws IOException {
        String jar = System.getProperty("trainyard.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("No packaged jar (" + jar + "): run *IT tests with ./mvnw verify");
        }
        List<String> command = new ArrayList<>(List.of(Path.of("bin/trainyard").toAbsolutePath().toString(),
                "--server.port=" + port));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        builder.environment().put("TRAINYARD_JAR", jar);
        builder.environment().put("JAVA_OPTS", "-Xmx1g");
        builder.environment().putAll(environment);
        process = builder.start();
        return this;
    }

    /** Waits until readiness answers UP; fails with the service's log when it dies or takes too long. */
    public Http awaitReady(Duration timeout) throws IOException, InterruptedException {
        Http http = new Http(port);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Service exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.get("/actuator/health/readiness").status() == 200) {
                    return http;
                }
            } catch (RuntimeException notListeningYet) {
                // keep waiting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Service not ready within " + timeout + ":\n" + log());
    }

    public String log() throws IOException {
        return Files.exists(logFile()) ? Files.readString(logFile()) : "";
    }

    /** One log per instance (each has its own port), so a restarted service's log holds only its own run. */
    private Path logFile() {
        return workDir.resolve("service-" + port + ".log");
    }

    /** SIGKILL: no shutdown hooks, no graceful anything — what a crashed node looks like. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a graceful shutdown, as Kubernetes does it. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
