/** Image in, image out: normalisation, padding, the model, cropping and quantisation. */
package io.github.blurdm.blurdm.pipeline;
