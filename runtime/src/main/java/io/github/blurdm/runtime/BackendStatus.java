package io.github.blurdm.runtime;

/**
 * What {@link Backends#probe()} found about one backend: whether it can be used and why (or why not).
 *
 * @param name      backend name ("cpu", "cuda")
 * @param available whether {@link Backends#create} can build it here
 * @param detail    one line: its configuration when available, the reason when not
 */
public record BackendStatus(String name, boolean available, String detail) {
}
