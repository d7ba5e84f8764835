package io.github.blurdm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalogue agrees with the sources: entry points, headers, no {@code #include}. */
class KernelsTest {
    private static final Pattern ENTRY = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\([^)]*\\)\\s+)?(\\w+)\\s*\\(");
    private static final Pattern MACRO_ENTRY = Pattern.compile("^EW_(?:UNARY|BINARY)_V2\\((\\w+)", Pattern.MULTILINE);

    static List<String> definedEntryPoints(String src) {
        List<String> names = new ArrayList<>();
        Matcher m = ENTRY.matcher(src);
        while (m.find()) {
            if (!m.group(1).equals("NAME")) {
                names.add(m.group(1));
            }
        }
        Matcher mm = MACRO_ENTRY.matcher(src);
        while (mm.find()) {
            names.add(mm.group(1));
        }
        return names;
    }

    @Test
    void catalogueListsExactlyTheDefinedEntryPoints() {
        for (Kernels.KernelFile k : Kernels.all()) {
            List<String> defined = definedEntryPoints(k.source());
            assertEquals(k.entryPoints().stream().sorted().toList(), defined.stream().sorted().toList(),
                    k.file() + ": catalogue vs source entry points");
        }
    }

    @Test
    void everyHeaderNamesEveryVersion() {
        for (Kernels.KernelFile k : Kernels.all()) {
            String src = k.source();
            int body = src.indexOf("\n\n");
            String header = body < 0 ? src : src.substring(0, body);
            for (String e : k.entryPoints()) {
                assertTrue(header.contains(e.replaceAll("_v\\d+$", "")) && header.contains("v" + e.replaceAll(".*_v", "")),
                        k.file() + ": header comment does not mention " + e);
            }
            assertTrue(header.startsWith("// " + k.file()), k.file() + ": header must start with the file name");
        }
    }

    @Test
    void noSourceIncludesAHeader() {
        for (Kernels.KernelFile k : Kernels.all()) {
            assertFalse(k.source().contains("#include"), k.file() + " must not #include anything (NVRTC has no headers)");
            assertTrue(k.source().contains("extern \"C\""), k.file() + " must declare its kernels extern \"C\"");
        }
    }

    @Test
    void unknownFileIsNamed() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Kernels.file("nope.cu"));
        assertTrue(e.getMessage().contains("nope.cu") && e.getMessage().contains("conv2d.cu"), e.getMessage());
    }
}
