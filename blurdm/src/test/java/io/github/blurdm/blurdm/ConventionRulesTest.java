package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.pipeline.Quantisation;
import org.junit.jupiter.api.Test;

/** The origin rules, in their order, and the rows they lead to. */
class ConventionRulesTest {
    private static ConventionChoice choose(boolean takesPrior, FileLayout layout, Origin override) {
        return ConventionRules.choose(Backbone.MIMO_UNET, "MIMO-UNet+", takesPrior, layout, override);
    }

    @Test
    void theRowsAreTheScriptsConventions() {
        var original = ConventionRules.conventions(Backbone.MIMO_UNET, Origin.ORIGINAL_RELEASE);
        assertEquals(0f, original.offset());
        assertEquals(4, original.padMultiple());
        assertEquals(0f, original.clampLow());
        assertEquals(1f, original.clampHigh());
        assertEquals(Quantisation.TRUNCATE_AFTER_HALF_LEVEL, original.quantisation());
        var blurdm = ConventionRules.conventions(Backbone.MIMO_UNET, Origin.BLURDM);
        assertEquals(-0.5f, blurdm.offset());
        assertEquals(8, blurdm.padMultiple());
        assertEquals(-0.5f, blurdm.clampLow());
        assertEquals(0.5f, blurdm.clampHigh());
        assertEquals(Quantisation.SAVE_IMAGE, blurdm.quantisation());
    }

    @Test
    void theOriginFollowsTheFirstRuleThatApplies() {
        ConventionChoice c = choose(false, FileLayout.of("{'model': ...}"), null);
        assertEquals(Origin.ORIGINAL_RELEASE, c.origin());
        assertEquals("an original MIMO-UNet+ release: layout {'model': ...}, no prior keys", c.reason());
        assertEquals("chosj95/MIMO-UNet eval.py", c.source());
        // the BlurDM predict scripts accept 'model' too: prior layers make it BlurDM's
        assertEquals(Origin.BLURDM, choose(true, FileLayout.of("{'model': ...}"), null).origin());
        assertEquals(Origin.BLURDM, choose(false, new FileLayout("{'model_state': ...}", false, true, null, null), null)
                .origin());
        assertEquals(Origin.BLURDM, choose(false, new FileLayout("architecture 'mimo_unet_blurdm'", true, false, null,
                null), null).origin());
        // a recorded origin outranks the layout, even the engine's own
        c = choose(false, new FileLayout("architecture 'mimo_unet_blurdm'", true, false, Origin.ORIGINAL_RELEASE,
                "an original MIMO-UNet+ release: layout {'model': ...}, no prior keys"), null);
        assertEquals(Origin.ORIGINAL_RELEASE, c.origin());
        assertTrue(c.reason().startsWith("recorded in the file's metadata (conventions = original; at conversion: an "
                + "original MIMO-UNet+ release"), c.reason());
    }

    @Test
    void anExplicitChoiceWinsAndSaysWhatTheFileWouldGive() {
        ConventionChoice c = choose(false, FileLayout.of("{'model': ...}"), Origin.BLURDM);
        assertEquals(Origin.BLURDM, c.origin());
        assertTrue(c.explicit());
        assertEquals("set explicitly (the file alone gives original: an original MIMO-UNet+ release: layout "
                + "{'model': ...}, no prior keys)", c.reason());
        c = choose(false, FileLayout.of("{'model': ...}"), Origin.ORIGINAL_RELEASE);
        assertTrue(c.reason().startsWith("set explicitly (the file alone agrees: "), c.reason());
    }

    @Test
    void badNamesSayWhichArgumentAndWhatIsAllowed() {
        assertEquals(Origin.ORIGINAL_RELEASE, Origin.parse(" Original", "--conventions"));
        assertEquals(Origin.BLURDM, Origin.parse("blurdm", "--conventions"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Origin.parse("authors", "--conventions"));
        assertEquals("--conventions must be 'original' (the authors' release: their eval.py's conventions) or "
                + "'blurdm' (BlurDM's), found 'authors'", e.getMessage());
    }
}
