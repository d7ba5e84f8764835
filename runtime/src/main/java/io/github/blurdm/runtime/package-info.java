/** Tensors, the {@link io.github.blurdm.runtime.Backend} interface, the op catalogue and shape rules. */
package io.github.blurdm.runtime;
