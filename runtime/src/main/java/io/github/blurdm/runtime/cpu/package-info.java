/** The CPU backend: one scalar reference class per op ({@code <Op>Cpu}) and Vector API fast paths. */
package io.github.blurdm.runtime.cpu;
