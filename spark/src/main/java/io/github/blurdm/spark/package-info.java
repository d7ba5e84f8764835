/**
 * Deblurring collections bigger than one machine with Apache Spark: {@link io.github.blurdm.spark.BlurdmSparkJob}
 * (the command behind {@code bin/blurdm-spark} and {@code spark-submit}) lists the images on the driver,
 * deblurs them in tasks on the executors with one {@link io.github.blurdm.blurdm.Deblurrer} per executor
 * JVM and device ({@link io.github.blurdm.spark.ExecutorEngines}), writes each output atomically under
 * the name {@code blurdm deblur} gives it, and records one row per image in a results table.
 */
package io.github.blurdm.spark;
