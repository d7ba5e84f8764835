package io.github.blurdm.blurdm.backbone;

import io.github.blurdm.blurdm.backbone.fftformer.FftformerFamily;
import io.github.blurdm.blurdm.backbone.loformer.LoFormerFamily;
import io.github.blurdm.blurdm.backbone.mimo.MimoFamily;
import io.github.blurdm.blurdm.backbone.stripformer.StripformerFamily;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The backbone families the engine runs, each with its declaration ({@link BackboneFamily}). A new backbone
 * adds a constant here (at the end) and its sub-package.
 */
public enum Backbone {
    /** MIMO-UNet and MIMO-UNet+ (chosj95/MIMO-UNet), with or without the BlurDM prior. */
    MIMO_UNET(new MimoFamily()),
    /** Stripformer (pp00704831/Stripformer-ECCV-2022-), with or without the BlurDM prior. */
    STRIPFORMER(new StripformerFamily()),
    /** LoFormer (INVOKERer/LoFormer), with or without the BlurDM prior. */
    LOFORMER(new LoFormerFamily()),
    /** FFTformer (kkkls/FFTformer), with or without the BlurDM prior in its FSAS blocks. */
    FFTFORMER(new FftformerFamily());

    private final BackboneFamily family;

    Backbone(BackboneFamily family) {
        this.family = family;
    }

    /** Its declaration: detection, sizes, inference rules. */
    public BackboneFamily family() {
        return family;
    }

    /** The name {@code --architecture} takes, e.g. "mimo_unet". */
    public String architecture() {
        return family.architecture();
    }

    public String displayName() {
        return family.displayName();
    }

    /**
     * The family whose {@link #architecture()} is {@code value} (any case).
     *
     * @param what names the argument in the message, e.g. "--architecture"
     * @throws IllegalArgumentException naming {@code what}, the allowed values and what was found
     */
    public static Backbone parse(String value, String what) {
        Optional<Backbone> b = byArchitecture(value);
        if (b.isEmpty()) {
            throw new IllegalArgumentException(what + " must be one of " + known() + ", found "
                    + (value == null ? "nothing" : "'" + value + "'"));
        }
        return b.get();
    }

    /** The family named {@code architecture} (any case), if any. */
    public static Optional<Backbone> byArchitecture(String architecture) {
        if (architecture != null) {
            for (Backbone b : values()) {
                if (b.architecture().equals(architecture.trim().toLowerCase(Locale.ROOT))) {
                    return Optional.of(b);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The family that owns most of {@code names}, when it owns more than half of them (so a file with a few
     * wrong names is still recognised); empty for anything else (a prior generator alone, other networks).
     */
    public static Optional<Backbone> detect(Collection<String> names) {
        Backbone best = null;
        int bestCount = 0;
        for (Backbone b : values()) {
            int n = 0;
            for (String name : names) {
                n += b.family.owns(name) ? 1 : 0;
            }
            if (n > bestCount) {
                best = b;
                bestCount = n;
            }
        }
        return 2 * bestCount > names.size() ? Optional.of(best) : Optional.empty();
    }

    /** Every architecture name with its family, for messages: "mimo_unet (MIMO-UNet), ...". */
    public static String known() {
        StringJoiner j = new StringJoiner(", ");
        for (Backbone b : values()) {
            j.add(b.architecture() + " (" + b.displayName() + ")");
        }
        return j.toString();
    }
}
