package io.github.blurdm.spark;

import java.io.Serializable;

/**
 * One image of the job, as the driver hands it to a task.
 *
 * @param input   the input file (URI string, see {@link HadoopFiles#uri}); for an argument that gave no
 *                image, the argument as given
 * @param output  the output file (URI string) under {@code --out}, named as {@code blurdm deblur} names it;
 *                null when {@code failure} is set before any output could be named
 * @param gt      the ground-truth file {@code blurdm eval} would pair the output with (URI string), or null
 * @param failure why the driver already knows this image fails (an argument that gave no image, an output
 *                that would overwrite an input), or null
 */
record ImageItem(String input, String output, String gt, String failure) implements Serializable {
    private static final long serialVersionUID = 1L;

    static ImageItem of(String input, String output) {
        return new ImageItem(input, output, null, null);
    }

    static ImageItem failed(String input, String output, String failure) {
        return new ImageItem(input, output, null, failure);
    }

    ImageItem withGroundTruth(String gtUri) {
        return new ImageItem(input, output, gtUri, failure);
    }
}
