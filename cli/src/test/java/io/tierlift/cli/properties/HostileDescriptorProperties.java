package io.tierlift.cli.properties;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.database.DatabaseRenderer;
import io.tierlift.render.onprem.edge.EdgeRenderer;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.secret.SecretView;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile descriptors never get through: whatever the YAML holds, the CLI answers 0 or 65 without
 * a stack trace, and a rendering that succeeds has the same structure as the unmodified base's
 * (a value never becomes a directive, header, setting, Python name or firewall verdict), with
 * every file placed where its location says. jqwik prints the seed of a failing run; rerun with
 * {@code -Djqwik.seeds.whenfixed=...} or the {@code @Property(seed = ...)} it names.
 * 1,110 generated descriptors per run in total.
 */
class HostileDescriptorProperties {
    private static final Path BASE = Path.of("../examples/notes/app.yaml");
    private static final List<String> SCHEMA_KEYS = List.of("app", "frontend", "backend", "database", "targets", "onprem",
            "aws-iaas", "aws-serverless", "hosts", "address", "roles", "zone", "waf", "crs", "paranoia", "mode", "exclusions", "tls",
            "certificate", "key", "domain", "ssh", "user", "identity", "known_hosts", "admin_networks", "environments",
            "path", "build", "dist", "wsgi", "python", "health", "release_command", "port", "env", "name", "password",
            "replication_password", "version", "edge", "region", "vpc_cidr", "scaling", "min", "max");
    private static final String HOSTILE_CHARS = "\n\r\t \"'`;{}$#\\|&<>()*?!~%=,:[]@/.\u0000\u202e\u202d\u200b\u200f\u2028\u2029\ufeffé漢";

    private static Path work;
    private static Map<String, Object> base;
    private static Map<String, List<String>> baseShape;
    private static int baseFileCount;
    private static final Map<String, String> PYTHON_SHAPES = new ConcurrentHashMap<>();
    /** How many hostile values were accepted and rendered, so the shape comparison really ran. */
    private static final java.util.concurrent.atomic.AtomicInteger SHAPES_COMPARED = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeContainer
    static void setUp() throws IOException {
        work = Files.createTempDirectory("tierlift-hostile");
        base = new Yaml().load(Files.readString(BASE));
        List<RenderedFile> files = render(BASE).orElseThrow();
        baseFileCount = files.size();
        baseShape = RenderedShape.byHost(files, RenderedShape::of);
        assertThat(baseShape.values().stream().flatMap(List::stream)).as("base shapes").noneMatch(s -> s.contains("malformed") || s.contains("syntax error"));
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try {
            assertThat(SHAPES_COMPARED.get()).as("renderings with a hostile value that were accepted and compared").isGreaterThan(20);
        } finally {
            deleteWork();
        }
    }

    private static void deleteWork() throws IOException {
        if (work != null) {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- random structure -------------------------------------------------------------------

    @Property(tries = 400)
    void randomStructureIsAnsweredNotCrashedOn(@ForAll long seed) throws IOException {
        Object document = randomNode(new Random(seed), 0);
        Path file = write(dump(document));
        InProcessCli validate = InProcessCli.run("validate", "-f", file.toString());
        assertThat(validate.exitCode()).as(validate.describe()).isIn(0, 65);
        assertThat(validate.leakedInternals()).as(validate.describe()).isFalse();
        InProcessCli rendered = InProcessCli.run("render", "onprem", "-f", file.toString(), "-o", work.resolve("out").toString());
        assertThat(rendered.exitCode()).as(rendered.describe()).isIn(0, 65);
        assertThat(rendered.leakedInternals()).as(rendered.describe()).isFalse();
    }

    private static Object randomNode(Random random, int depth) {
        int kind = depth >= 4 ? 2 : random.nextInt(3);
        if (kind == 0) {
            Map<String, Object> map = new LinkedHashMap<>();
            int size = random.nextInt(5);
            for (int i = 0; i < size; i++) {
                String key = random.nextInt(4) > 0 ? SCHEMA_KEYS.get(random.nextInt(SCHEMA_KEYS.size())) : randomText(random, 8);
                map.put(key, randomNode(random, depth + 1));
            }
            return map;
        }
        if (kind == 1) {
            List<Object> list = new ArrayList<>();
            int size = random.nextInt(4);
            for (int i = 0; i < size; i++) {
                list.add(randomNode(random, depth + 1));
            }
            return list;
        }
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextBoolean();
            case 2 -> random.nextDouble();
            case 3 -> null;
            default -> randomText(random, 40);
        };
    }

    private static String randomText(Random random, int max) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(max + 1);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? HOSTILE_CHARS.charAt(random.nextInt(HOSTILE_CHARS.length()))
                    : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    // ---- hostile scalars in a valid descriptor ----------------------------------------------

    @Property(tries = 650)
    void hostileScalarsNeverChangeTheShapeOfWhatIsRendered(@ForAll("leafPaths") List<String> path,
                                                           @ForAll("hostile") String value) throws IOException {
        Map<String, Object> document = deepCopy(base);
        put(document, path, value);
        Path file = write(dump(document));
        InProcessCli rendered = InProcessCli.run("render", "onprem", "-f", file.toString(), "-o", work.resolve("out").toString());
        assertThat(rendered.exitCode()).as(rendered.describe()).isIn(0, 65);
        assertThat(rendered.leakedInternals()).as(rendered.describe()).isFalse();
        net.jqwik.api.statistics.Statistics.label("render exit code").collect(rendered.exitCode());
        if (rendered.exitCode() != 0) {
            return;
        }
        SHAPES_COMPARED.incrementAndGet();
        List<RenderedFile> files = render(file).orElseThrow(() -> new AssertionError("the CLI rendered, the renderer did not"));
        assertThat(files).as("files rendered").hasSize(baseFileCount);
        for (RenderedFile f : files) {
            assertThat(RenderedShape.confined(f.location())).as("location %s is confined", f.location()).isTrue();
        }
        Map<String, List<String>> shape = RenderedShape.byHost(files,
                f -> f.location().endsWith("gunicorn.conf.py") ? PYTHON_SHAPES.computeIfAbsent(f.contentAsText(), RenderedShape::python) : RenderedShape.of(f));
        assertThat(shape).as("shape with %s = %s", path, value).isEqualTo(baseShape);
        try (Stream<Path> written = Files.walk(work.resolve("out"))) {
            Path root = work.resolve("out").toRealPath();
            assertThat(written.map(p -> p.toAbsolutePath().normalize())).allMatch(p -> p.startsWith(root));
        }
    }

    @Provide
    Arbitrary<List<String>> leafPaths() {
        List<List<String>> paths = new ArrayList<>();
        collectLeaves(base, new ArrayList<>(), paths);
        // Keys the base leaves to their defaults, which a hostile value may set too.
        paths.add(List.of("backend", "env", "NOTES_FLAG"));
        paths.add(List.of("backend", "port"));
        paths.add(List.of("targets", "onprem", "waf", "anomaly_threshold"));
        paths.add(List.of("targets", "onprem", "edge", "max_body_size"));
        paths.add(List.of("targets", "onprem", "app_root"));
        paths.add(List.of("targets", "onprem", "hosts", "app1", "ssh_host"));
        return Arbitraries.of(paths);
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> mixed = Arbitraries.strings().withChars(HOSTILE_CHARS).withCharRange('a', 'z').ofMaxLength(30);
        Arbitrary<String> injections = Arbitraries.of("x; include /etc/passwd", "x}\nserver { listen 0.0.0.0:80; }\n#",
                "a\"\nadd_header X-Evil 1;\n#", "x'\nlisten_addresses = '*'\n#", "notes\nhost all all 0.0.0.0/0 trust",
                "x\"\nimport os; os.system('id')\n#", "10.0.0.0/0 accept", "$(id)", "`id`", "${jndi:ldap://x}",
                "notes.example.com; return 200", "\u202enoitcudorp", "a\u0000b", "../../etc/shadow", "/etc/../../root",
                "${file:/etc/shadow}", "${env:HOME}");
        Arbitrary<String> valid = Arbitraries.of("notes", "notes.example.com", "python -m notes.migrate", "/srv/x", "8000", "10.0.9.9");
        Arbitrary<String> veryLong = Arbitraries.strings().withChars("ab;{}\n\"").ofMinLength(5_000).ofMaxLength(20_000);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, mixed), net.jqwik.api.Tuple.of(4, injections),
                net.jqwik.api.Tuple.of(2, valid), net.jqwik.api.Tuple.of(1, veryLong));
    }

    @SuppressWarnings("unchecked")
    private static void collectLeaves(Object node, List<String> path, List<List<String>> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                List<String> child = new ArrayList<>(path);
                child.add(String.valueOf(e.getKey()));
                collectLeaves(e.getValue(), child, out);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                List<String> child = new ArrayList<>(path);
                child.add("#" + i);
                collectLeaves(list.get(i), child, out);
            }
        } else {
            out.add(List.copyOf(path));
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Object node, List<String> path, Object value) {
        Object current = node;
        for (int i = 0; i < path.size(); i++) {
            String key = path.get(i);
            boolean last = i == path.size() - 1;
            if (key.startsWith("#")) {
                List<Object> list = (List<Object>) current;
                int index = Integer.parseInt(key.substring(1));
                if (last) {
                    list.set(index, value);
                } else {
                    current = list.get(index);
                }
            } else {
                Map<String, Object> map = (Map<String, Object>) current;
                if (last) {
                    map.put(key, value);
                } else {
                    current = map.computeIfAbsent(key, k -> new LinkedHashMap<>());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return (T) copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return node;
    }

    // ---- YAML alias fan-out -----------------------------------------------------------------

    @Property(tries = 60)
    void aliasFanOutIsBounded(@ForAll @IntRange(min = 2, max = 12) int width, @ForAll @IntRange(min = 1, max = 12) int depth,
                              @ForAll boolean underAKnownKey) throws IOException {
        StringBuilder yaml = new StringBuilder("app: notes\nanchors:\n  l0: &l0 [\"x\", \"x\"]\n");
        for (int level = 1; level <= depth; level++) {
            yaml.append("  l").append(level).append(": &l").append(level).append(" [");
            for (int i = 0; i < width; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*l").append(level - 1);
            }
            yaml.append("]\n");
        }
        yaml.append(underAKnownKey ? "targets: { onprem: { admin_networks: *l" + depth + " } }\n" : "bomb: *l" + depth + "\n");
        Path file = write(yaml.toString());
        long start = System.nanoTime();
        InProcessCli validate = InProcessCli.run("validate", "-f", file.toString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(validate.exitCode()).as(validate.describe()).isIn(0, 65);
        assertThat(validate.leakedInternals()).as(validate.describe()).isFalse();
        assertThat(millis).as("validate time with %d^%d alias expansions", width, depth).isLessThan(10_000);
        // The expansion must never be echoed: errors name a key path, not the whole value.
        assertThat(validate.err().length()).as("stderr size").isLessThan(20_000);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Optional<List<RenderedFile>> render(Path file) {
        FreemarkerEngine engine = new FreemarkerEngine();
        AppDescriptor app = new DescriptorLoader().load(file, Optional.empty()).descriptor();
        return Optional.of(OnpremRenderer.allRoles(engine).render(app, SecretView.masked()));
    }

    private static String dump(Object document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(Integer.MAX_VALUE);
        return new Yaml(options).dump(document);
    }

    private static Path write(String yaml) {
        try {
            // Next to the example so relative paths (frontend, backend) mean what they mean there.
            Path file = work.resolve("app.yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
