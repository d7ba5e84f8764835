/**
 * What the pipeline knows about backbones: {@link io.github.blurdm.blurdm.backbone.Backbone} (the families the
 * engine runs), each family's declaration {@link io.github.blurdm.blurdm.backbone.BackboneFamily} (detection,
 * sizes from shapes, inference rules) and the network it builds, {@link io.github.blurdm.blurdm.backbone.BackboneNetwork}
 * (every network extends {@link io.github.blurdm.blurdm.backbone.BackboneModule}, which holds its
 * {@link io.github.blurdm.blurdm.backbone.BackboneConfig} and checks its inputs). Each family lives in a sub-package
 * of its own ({@code backbone.mimo}, ...).
 */
package io.github.blurdm.blurdm.backbone;
