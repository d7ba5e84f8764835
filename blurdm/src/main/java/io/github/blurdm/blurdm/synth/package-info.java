/**
 * Synthetic motion blur the way real blur forms: a sharp photo moves along a smooth random camera path
 * during a continuous exposure; the blurred image is the average of many sub-frames in linear light,
 * plus sensor noise and 8-bit quantisation; the sharp target is the middle of the exposure.
 * {@link io.github.blurdm.blurdm.synth.MotionBlurSynth} makes one pair from a seed,
 * {@link io.github.blurdm.blurdm.synth.PairSetWriter} makes a training set (`blurdm synth`).
 */
package io.github.blurdm.blurdm.synth;
