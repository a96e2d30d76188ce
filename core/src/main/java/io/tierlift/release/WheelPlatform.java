package io.tierlift.release;

import java.util.ArrayList;
import java.util.List;

/**
 * The hosts' platform as pip's {@code --platform} tags. pip matches tags literally and (up to at
 * least 23.2) does not widen a {@code manylinux_2_28} tag to the older ones, so every glibc level
 * from the hosts' down to 2.5 is listed, plus the legacy aliases. Pure-Python wheels
 * ({@code py3-none-any}) always match and need no tag.
 *
 * @param arch       machine, e.g. x86_64 or aarch64
 * @param glibcMinor the hosts' glibc 2.x, the oldest among them (Debian 10: 28, 11: 31, 12: 36)
 */
public record WheelPlatform(String arch, int glibcMinor) {
    /** Debian 10 and newer, RHEL 8 and newer, on x86_64. */
    public static final WheelPlatform DEBIAN_X86_64 = new WheelPlatform("x86_64", 28);

    public WheelPlatform {
        if (!arch.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a machine architecture: " + arch);
        }
        if (glibcMinor < 17 || glibcMinor > 99) {
            throw new IllegalArgumentException("glibc 2." + glibcMinor + " is outside what manylinux wheels target (2.17 and newer)");
        }
    }

    public List<String> pipTags() {
        List<String> tags = new ArrayList<>();
        for (int minor = glibcMinor; minor >= 5; minor--) {
            tags.add("manylinux_2_" + minor + "_" + arch);
        }
        tags.add("manylinux2014_" + arch);
        if (arch.equals("x86_64") || arch.equals("i686")) {
            tags.add("manylinux2010_" + arch);
            tags.add("manylinux1_" + arch);
        }
        return tags;
    }

    public String describe() {
        return "manylinux (glibc 2." + glibcMinor + ") " + arch;
    }
}
