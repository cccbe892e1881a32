package io.trainyard.inference;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.system.ApiException;
import io.trainyard.models.ModelAliasMoved;
import io.trainyard.models.ModelRegistry;
import io.trainyard.models.ModelVersion;
import io.trainyard.models.ModelVersionRegistered;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Loaded model versions (a {@link LoadingLru} bounded by count and bytes) and the resolution of "latest" and
 * aliases to version numbers. A version loads on first use, as soon as an alias moves to it, or as soon as it
 * becomes the latest version of a model served here as "latest"; it is always admitted: the least recently used
 * versions are unloaded to make room. Resolutions are dropped when the registry says an alias moved or a version
 * was added, and otherwise live {@code resolve-ttl} (for changes made through other replicas).
 */
@Component
class ModelCache implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ModelCache.class);

    /** A resolution: {@code version} or {@code alias}, or neither for "latest". */
    private record Ref(String team, String model, Integer version, String alias) {
    }

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final InferenceProperties properties;
    private final ExecutorService loaders;
    private final LoadingLru<ModelKey, LoadedModel> models;
    private final Counter evictions;
    private final LoadingCache<Ref, ModelVersion> resolved;

    ModelCache(ModelRegistry registry, ModelLoader loader, InferenceProperties properties, MeterRegistry meters) {
        this.registry = registry;
        this.loader = loader;
        this.properties = properties;
        AtomicInteger threads = new AtomicInteger();
        this.loaders = Executors.newFixedThreadPool(properties.loaderThreads(), r -> {
            Thread t = new Thread(r, "model-loader-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.evictions = Counter.builder("trainyard.inference.models.evicted")
                .description("Loaded model versions unloaded to make room for another; a steady rate means "
                        + "cache-max-models or cache-max-bytes is too small for the versions in use")
                .register(meters);
        this.models = new LoadingLru<>(properties.cacheMaxModels(), properties.cacheMaxBytes().toBytes(),
                LoadedModel::sizeBytes, this::unloaded, loaders, System::nanoTime);
        Gauge.builder("trainyard.inference.models.loaded", models, LoadingLru::size)
                .description("Model versions loaded in memory (at most cache-max-models)").register(meters);
        Gauge.builder("trainyard.inference.models.loaded.bytes", models, LoadingLru::weight).baseUnit("bytes")
                .description("Artifact bytes of the loaded model versions (at most cache-max-bytes)")
                .register(meters);
        // Refreshed in the background after resolve-ttl, not expired: an expired entry made every request that
        // arrived during the registry lookup block on the cache's lock for the lookup's whole duration — every 5 s
        // all 64 benchmark connections stalled for up to 100 ms (JFR, docs/inference.md "Performance"). Now one
        // background lookup runs while requests keep the previous answer; an entry nobody read for two TTLs
        // expires, so a long-idle resolution is never served stale.
        this.resolved = Caffeine.newBuilder().maximumSize(10_000)
                .refreshAfterWrite(properties.resolveTtl())
                .expireAfterWrite(properties.resolveTtl().multipliedBy(2))
                .build(new CacheLoader<Ref, ModelVersion>() {
                    @Override
                    public ModelVersion load(Ref ref) {
                        return lookup(ref);
                    }

                    @Override
                    public ModelVersion reload(Ref ref, ModelVersion old) {
                        try {
                            return lookup(ref);
                        } catch (ApiException gone) {
                            return null; // deleted meanwhile: drop it, and the next request gets the 404
                        }
                    }
                });
    }

    private ModelVersion lookup(Ref ref) {
        if (ref.version() != null) {
            return registry.version(ref.team(), ref.model(), ref.version());
        }
        if (ref.alias() != null) {
            return registry.byAlias(ref.team(), ref.model(), ref.alias());
        }
        return registry.latest(ref.team(), ref.model());
    }

    /** The version {@code selector} means now; 404 ApiException when there is none. */
    ModelVersion resolve(String team, ModelSelector selector) {
        return resolved.get(new Ref(team, selector.model(), selector.version(),
                selector.version() == null ? selector.alias() : null));
    }

    /** The loaded model, loading it first if needed (waiting at most {@code request-timeout}). */
    LoadedModel get(String team, ModelVersion version) {
        ModelKey key = key(team, version);
        CompletableFuture<LoadedModel> future = load(key, version);
        try {
            return future.get(properties.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw InferenceErrors.notReady(key, "it is still loading; retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw InferenceErrors.notReady(key, "interrupted while loading");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ModelLoader.LoadException) {
                throw InferenceErrors.notReady(key, cause.getMessage());
            }
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    /** Loaded and warmed up, without waiting or triggering a load. */
    boolean isLoaded(String team, ModelVersion version) {
        return models.getIfLoaded(key(team, version)) != null;
    }

    /** Drops a model whose batcher was closed under a request, so the next get loads it afresh. */
    void discard(LoadedModel model) {
        models.remove(model.key(), model);
    }

    @EventListener
    void aliasMoved(ModelAliasMoved event) {
        resolved.invalidate(new Ref(event.team(), event.model(), null, event.alias()));
        if (event.version() != null) {
            preload(event.team(), event.model(), event.version(), "alias " + event.alias() + " moved to it");
        }
    }

    /**
     * "Latest" now means the new version. When requests for the model's latest version were resolved here lately,
     * the new version is loaded at once, so they do not wait for the load; otherwise nobody here needs it yet.
     */
    @EventListener
    void versionRegistered(ModelVersionRegistered event) {
        Ref latest = new Ref(event.team(), event.model(), null, null);
        boolean servedAsLatest = resolved.getIfPresent(latest) != null;
        resolved.invalidate(latest);
        if (servedAsLatest) {
            preload(event.team(), event.model(), event.version(), "it became the latest version");
        }
    }

    private void preload(String team, String model, int number, String why) {
        try {
            ModelVersion version = resolve(team, ModelSelector.version(model, number));
            load(key(team, version), version);
        } catch (RuntimeException e) {
            log.warn("Could not start loading {} v{} after {}: {}", model, number, why, e.getMessage());
        }
    }

    @Override
    public void destroy() {
        models.clear();
        loaders.shutdownNow();
    }

    private void unloaded(ModelKey key, LoadedModel model, LoadingLru.Cause cause) {
        if (cause == LoadingLru.Cause.EVICTED) {
            evictions.increment();
        }
        log.info("Unloaded model {} ({}; {} versions, {} bytes loaded now)", key, cause.name().toLowerCase(Locale.ROOT),
                models.size(), models.weight());
        model.batcher().retire();
    }

    private CompletableFuture<LoadedModel> load(ModelKey key, ModelVersion version) {
        // The byte budget bounds the memory the loaded versions take; an artifact bigger than all of it is refused
        // before a byte of it is read (the whole artifact is read into memory to verify its checksum).
        long budget = properties.cacheMaxBytes().toBytes();
        if (version.sizeBytes() > budget) {
            throw InferenceErrors.notReady(key, "its artifact (" + version.sizeBytes() + " bytes) is larger than "
                    + "trainyard.inference.cache-max-bytes (" + budget + " bytes); raise that limit to serve it.");
        }
        return models.get(key, k -> {
            try {
                return loader.load(k, version);
            } catch (RuntimeException e) {
                log.error("Could not load model {}: {}", k, e.getMessage(), e);
                throw e;
            }
        });
    }

    private static ModelKey key(String team, ModelVersion version) {
        return new ModelKey(team, version.model(), version.version());
    }
}
