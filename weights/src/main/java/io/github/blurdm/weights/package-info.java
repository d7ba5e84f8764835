/**
 * Checkpoint formats, independent of backends and models: safetensors ({@link io.github.blurdm.weights.SafetensorsFile},
 * {@link io.github.blurdm.weights.SafetensorsWriter}), PyTorch zip checkpoints read without executing anything
 * ({@link io.github.blurdm.weights.TorchCheckpoint}), and strict loading by name
 * ({@link io.github.blurdm.weights.StateDict}). Every bad file is a checked {@link io.github.blurdm.weights.WeightsException}.
 */
package io.github.blurdm.weights;
