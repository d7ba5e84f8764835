package io.github.blurdm.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An indexed container, named {@code 0, 1, 2, ...} like PyTorch's {@code nn.Sequential}. It only
 * provides names; the owning module decides how its members run (so a conv and the ReLU after it
 * can run as one fused op while keeping PyTorch's indices).
 */
public final class Sequential extends Module {
    private final List<Module> members = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    public <M extends Module> M add(M m) {
        child(Integer.toString(members.size()), m);
        members.add(m);
        return m;
    }

    public Module get(int i) {
        return members.get(i);
    }

    public int size() {
        return members.size();
    }

    public List<Module> members() {
        return Collections.unmodifiableList(members);
    }
}
