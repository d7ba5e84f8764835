package io.github.blurdm.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The weight file formats this module recognises, told apart by their first bytes. */
public enum WeightsFormat {
    /** safetensors: 8-byte little-endian header length, then a JSON object. */
    SAFETENSORS,
    /** torch.save from PyTorch >= 1.6: a zip holding data.pkl and data/&lt;key&gt;. */
    TORCH_ZIP,
    /**
     * A pickle: torch.save's legacy format (before 1.6, or {@code _use_new_zipfile_serialization=False}),
     * read by {@link TorchCheckpoint}; any other pickle is refused there.
     */
    TORCH_LEGACY;

    /** How to re-save a pickle this module cannot read as a zip checkpoint; part of the message about one. */
    public static final String RESAVE_HINT = "re-save it with PyTorch >= 1.6: "
            + "torch.save(torch.load(path), new_path, _use_new_zipfile_serialization=True) "
            + "(the default since 1.6; only load checkpoints you trust in Python)";

    /** Detects the format of {@code path}; unknown content is a {@link WeightsException}. */
    public static WeightsFormat detect(Path path) throws WeightsException {
        byte[] head = new byte[9];
        int n = 0;
        try (InputStream in = Files.newInputStream(path)) {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            throw new WeightsException(path + ": cannot read: " + e.getMessage(), e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return TORCH_ZIP;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return TORCH_LEGACY;
        }
        if (n >= 9 && head[8] == '{') {
            return SAFETENSORS;
        }
        throw new WeightsException(path + ": unknown format (" + n + " header bytes): not safetensors, "
                + "not a torch.save zip, not a pickle");
    }
}
