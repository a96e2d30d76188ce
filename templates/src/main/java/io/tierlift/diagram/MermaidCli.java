package io.tierlift.diagram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Renders Mermaid text to SVG or PNG with the Mermaid CLI ({@code mmdc}) driving Debian's
 * chromium through a puppeteer config, fully offline. The PNG is rendered from the .mmd source
 * directly: mmdc cannot turn an SVG into a PNG.
 */
public final class MermaidCli {
    /** What an operator runs to get the tools, printed when one is missing. */
    public static final String INSTALL_HINT = String.join("\n",
            "  apt-get install -y chromium",
            "  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools/mermaid        # in a tierlift checkout (bin/setup-machine does both)",
            "  # or anywhere: PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli");

    private static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--headless", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");

    private final Optional<Path> mmdc;
    private final Path chromium;
    private final long timeoutSeconds;

    public MermaidCli(Optional<Path> mmdc, Path chromium, long timeoutSeconds) {
        this.mmdc = mmdc;
        this.chromium = chromium;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Finds mmdc: {@code TIERLIFT_MMDC}, then {@code tools/mermaid} in the working folder or any
     * folder above it (a checkout), then {@code mmdc} on PATH.
     */
    public static MermaidCli locate(Map<String, String> env, Path workingDir) {
        Optional<Path> found = Optional.ofNullable(env.get("TIERLIFT_MMDC")).filter(s -> !s.isEmpty()).map(Path::of);
        for (Path dir = workingDir.toAbsolutePath(); found.isEmpty() && dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("tools/mermaid/node_modules/.bin/mmdc");
            if (Files.isExecutable(candidate)) {
                found = Optional.of(candidate);
            }
        }
        if (found.isEmpty()) {
            for (String entry : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(entry.isEmpty() ? "." : entry, "mmdc");
                if (Files.isExecutable(candidate)) {
                    found = Optional.of(candidate);
                    break;
                }
            }
        }
        return new MermaidCli(found, Path.of(env.getOrDefault("TIERLIFT_CHROMIUM", "/usr/bin/chromium")), 120);
    }

    /** Why rendering cannot run here, or empty when both tools are present. */
    public Optional<String> missing() {
        List<String> missing = new ArrayList<>();
        if (mmdc.isEmpty() || !Files.isExecutable(mmdc.get())) {
            missing.add("the Mermaid CLI (mmdc, npm package @mermaid-js/mermaid-cli)");
        }
        if (!Files.isExecutable(chromium)) {
            missing.add("chromium (" + chromium + ", Debian package chromium)");
        }
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(String.join(" and ", missing) + " not installed; install with:\n" + INSTALL_HINT);
    }

    /** Writes {@code output} (.svg or .png by its name) from the Mermaid text. */
    public void render(String mermaidText, Path output) throws IOException {
        missing().ifPresent(why -> {
            throw new MermaidException(why);
        });
        Path work = Files.createTempDirectory("tierlift-diagram");
        try {
            Path input = work.resolve("diagram.mmd");
            Files.writeString(input, mermaidText);
            Path config = work.resolve("puppeteer.json");
            Files.writeString(config, puppeteerConfig());
            Path log = work.resolve("mmdc.log");
            List<String> command = new ArrayList<>(List.of(mmdc.orElseThrow().toString(), "-q", "-p", config.toString(),
                    "-i", input.toString(), "-o", output.toAbsolutePath().toString(), "-b", "white"));
            if (output.getFileName().toString().endsWith(".png")) {
                // Twice the pixels: a PNG is for pasting into documents, where 1x text is blurry.
                command.addAll(List.of("-s", "2"));
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished;
            try {
                finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new MermaidException("interrupted while mmdc was rendering");
            }
            if (!finished) {
                process.destroyForcibly();
                throw new MermaidException("mmdc did not finish within " + timeoutSeconds + "s");
            }
            if (process.exitValue() != 0 || !Files.exists(output)) {
                throw new MermaidException("mmdc failed (exit " + process.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String puppeteerConfig() {
        StringBuilder args = new StringBuilder();
        for (String arg : CHROMIUM_ARGS) {
            args.append(args.length() == 0 ? "" : ", ").append('"').append(arg).append('"');
        }
        return "{\"executablePath\": \"" + chromium.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\", \"args\": [" + args + "]}\n";
    }

    /** Rendering failed or cannot run; the message says why and, for missing tools, how to install them. */
    public static final class MermaidException extends RuntimeException {
        public MermaidException(String message) {
            super(message);
        }
    }
}
