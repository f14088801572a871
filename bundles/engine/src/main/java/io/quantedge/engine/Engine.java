package io.quantedge.engine;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceEngine;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.model.ModelLoader;
import io.quantedge.engine.ops.StandardOps;
import io.quantedge.engine.plan.PreparedGraph;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Loads models with whichever loader reads the file's format, and prepares them for the kernel
 * backends available at that moment. Usable without OSGi (the CLI and tests construct it directly);
 * {@link EngineComponent} is its service form.
 */
public final class Engine implements InferenceEngine {

    private final Supplier<? extends Collection<ModelLoader>> loaders;
    private final Supplier<KernelRegistry> kernels;
    private final OpRegistry ops;
    /** Weakly held: a model nobody references any more is simply forgotten. */
    private final Set<LoadedModel> live = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public Engine(Supplier<? extends Collection<ModelLoader>> loaders, Supplier<KernelRegistry> kernels) {
        this.loaders = loaders;
        this.kernels = kernels;
        this.ops = StandardOps.registry();
    }

    @Override
    public Model load(Path file) throws ModelLoadException {
        Graph graph = loaderFor(file).load(file);
        return load(graph, baseName(file));
    }

    /** Prepares an already loaded graph. */
    @Override
    public Model load(Graph graph, String name) throws ModelLoadException {
        LoadedModel model = new LoadedModel(name, graph, prepare(name, graph));
        live.add(model);
        return model;
    }

    private PreparedModel prepare(String name, Graph graph) throws ModelLoadException {
        return new PreparedModel(name, graph, PreparedGraph.prepare(graph, ops, kernels.get()));
    }

    /**
     * Prepares every model in use again for the kernel backends available now, swapping each in
     * without disturbing runs under way. A model whose new preparation fails keeps its current
     * one; the failures are returned by model name.
     */
    public Map<String, ModelLoadException> reprepareAll() {
        List<LoadedModel> models;
        synchronized (live) {
            live.removeIf(LoadedModel::isClosed);
            models = List.copyOf(live);
        }
        Map<String, ModelLoadException> failures = new LinkedHashMap<>();
        for (LoadedModel model : models) {
            model.reprepare(this::prepare).ifPresent(e -> failures.put(model.name(), e));
        }
        return failures;
    }

    /** Models loaded and not yet closed (or collected). */
    public int liveModels() {
        synchronized (live) {
            live.removeIf(LoadedModel::isClosed);
            return live.size();
        }
    }

    public OpRegistry ops() {
        return ops;
    }

    private ModelLoader loaderFor(Path file) throws ModelLoadException {
        String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Collection<ModelLoader> available = loaders.get();
        for (ModelLoader loader : available) {
            for (String extension : loader.extensions()) {
                if (fileName.endsWith("." + extension)) {
                    return loader;
                }
            }
        }
        TreeSet<String> known = new TreeSet<>();
        available.forEach(l -> known.addAll(l.extensions()));
        throw new ModelLoadException(Code.UNKNOWN_FORMAT, "no model loader reads " + file.getFileName()
                + (known.isEmpty() ? "; no loader is installed" : "; known extensions: " + known));
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
