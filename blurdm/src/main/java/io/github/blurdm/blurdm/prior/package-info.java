/** The BlurDM prior generator: latent encoder, denoisers, schedule, reverse sampler, noise. */
package io.github.blurdm.blurdm.prior;
