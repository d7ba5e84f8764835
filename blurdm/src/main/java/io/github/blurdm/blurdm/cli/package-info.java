/** The {@code blurdm} command-line tool (picocli). */
package io.github.blurdm.blurdm.cli;
