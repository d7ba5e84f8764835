/** Checkpoint formats: safetensors (read, write), PyTorch checkpoints; independent of backends and models. */
package io.github.blurdm.weights;
