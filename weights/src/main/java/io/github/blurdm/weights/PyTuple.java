package io.github.blurdm.weights;

import java.util.AbstractList;
import java.util.List;

/**
 * A Python tuple from a pickle: an immutable list. Equality and hash are by identity, so a
 * hostile pickle cannot make a dict lookup recurse through a self-referencing structure.
 */
public final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    PyTuple(Object... items) {
        this.items = items.clone();
    }

    static PyTuple of(List<Object> items) {
        return new PyTuple(items.toArray());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "tuple(" + items.length + ")";
    }
}
