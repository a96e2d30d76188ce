package io.tierlift.audit.onprem;

import java.util.List;

/** pg_hba.conf lines split into their columns: TYPE DATABASE USER [ADDRESS] METHOD [OPTIONS]. */
record HbaLines(OnpremFiles.Line line, List<String> tokens) {
    static HbaLines of(OnpremFiles.Line line) {
        return new HbaLines(line, List.of(line.text().split("\\s+")));
    }

    String type() {
        return tokens.get(0);
    }

    boolean isHost() {
        return type().startsWith("host");
    }

    String address() {
        return isHost() && tokens.size() > 3 ? tokens.get(3) : "";
    }

    String method() {
        int index = isHost() ? 4 : 3;
        return tokens.size() > index ? tokens.get(index) : "";
    }

    String database() {
        return tokens.size() > 1 ? tokens.get(1) : "";
    }
}
