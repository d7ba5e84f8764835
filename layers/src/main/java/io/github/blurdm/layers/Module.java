package io.github.blurdm.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of the layer graph. Children and parameters are registered under the names PyTorch uses,
 * so {@link #namedParameters()} yields exactly the model's {@code state_dict()} keys
 * ({@code Encoder.0.layers.3.main.0.main.0.weight}). Modules are built once and then only read:
 * a loaded model may run forward passes from several threads if each uses its own backend.
 */
public abstract class Module {
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    /** Registers a trainable parameter. */
    protected final Parameter param(String name, int... shape) {
        checkName(name);
        Parameter p = new Parameter(shape, false);
        params.put(name, p);
        return p;
    }

    /** Registers a buffer (a state-dict entry that is not trained, e.g. a schedule). */
    protected final Parameter buffer(String name, int... shape) {
        checkName(name);
        Parameter p = new Parameter(shape, true);
        params.put(name, p);
        return p;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".") || children.containsKey(name)
                || params.containsKey(name)) {
            throw new IllegalArgumentException("invalid or duplicate module/parameter name '" + name + "' in "
                    + getClass().getSimpleName());
        }
    }

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter and buffer of this subtree, keyed by its full dotted name, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, v) -> v.collect(prefix + k + ".", out));
    }

    /** Number of trainable values (buffers excluded). */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            if (!p.isBuffer()) {
                long s = 1;
                for (int d : p.shape()) {
                    s *= d;
                }
                n += s;
            }
        }
        return n;
    }
}
