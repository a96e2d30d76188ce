package io.tierlift.sandbox;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The Debian releases a machine sandbox can boot; the codename names the suites debootstrap and apt use. */
public enum MachineOs {
    DEBIAN12("debian12", "bookworm"),
    DEBIAN13("debian13", "trixie");

    private final String id;
    private final String codename;

    MachineOs(String id, String codename) {
        this.id = id;
        this.codename = codename;
    }

    /** As typed on the command line and used in cache paths, e.g. {@code debian12}. */
    public String id() {
        return id;
    }

    public String codename() {
        return codename;
    }

    public static MachineOs parse(String id) {
        return Arrays.stream(values()).filter(os -> os.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown machine OS '" + id + "'; expected one of "
                        + Arrays.stream(values()).map(MachineOs::id).collect(Collectors.joining(", "))));
    }
}
