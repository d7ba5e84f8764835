/** A minimal layer graph whose parameter names are PyTorch's state_dict keys. */
package io.github.blurdm.layers;
