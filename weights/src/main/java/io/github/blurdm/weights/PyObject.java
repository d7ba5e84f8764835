package io.github.blurdm.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An inert placeholder for anything a checkpoint's pickle builds from a global that is not on the
 * allow-list ({@code argparse.Namespace}, {@code torch.device}, optimiser classes, and equally
 * {@code os.system} or {@code builtins.eval}). It only records what the pickle asked for: the
 * global's module and name, the arguments it would have been called with, the state it would have
 * been given, and any list/dict items. Nothing is ever called, loaded or looked up by reflection.
 * A bare global reference (not called) is a {@code PyObject} with {@link #called()} false.
 * Not thread-safe while the pickle is being read; effectively immutable afterwards.
 */
public final class PyObject {
    private final String module;
    private final String name;
    private final boolean called;
    private final List<Object> args;
    private Object state;
    private final List<Object> items = new ArrayList<>();

    PyObject(String module, String name, boolean called, List<Object> args) {
        this.module = Objects.requireNonNull(module);
        this.name = Objects.requireNonNull(name);
        this.called = called;
        this.args = args == null ? List.of() : args;
    }

    /** The global's module, e.g. {@code argparse}. */
    public String module() {
        return module;
    }

    /** The global's name, e.g. {@code Namespace}. */
    public String name() {
        return name;
    }

    /** {@code module.name}. */
    public String qualifiedName() {
        return module + "." + name;
    }

    /** True for an instance (the global was called or instantiated), false for a bare global reference. */
    public boolean called() {
        return called;
    }

    /** The arguments of the REDUCE/NEWOBJ that would have built it (a list or tuple), empty if none. */
    public List<Object> args() {
        return args;
    }

    /** The state BUILD would have set ({@code __dict__} for most classes), or null. */
    public Object state() {
        return state;
    }

    void setState(Object state) {
        this.state = state;
    }

    /** Items appended or set on it (as values, or 2-tuples for dict items). */
    public List<Object> items() {
        return items;
    }

    @Override
    public String toString() {
        return called ? qualifiedName() + "(...)" : qualifiedName();
    }
}
