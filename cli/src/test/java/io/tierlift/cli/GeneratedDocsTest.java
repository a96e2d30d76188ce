package io.tierlift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.console.Console;
import io.tierlift.cli.docs.CommandDocs;
import io.tierlift.cli.docs.DescriptorDocs;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.descriptor.schema.DescriptorSchema;
import io.tierlift.descriptor.schema.JsonSchemaWriter;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference docs are generated from the code; this test fails when a checked-in copy is out
 * of date. Regenerate with {@code mvn -pl cli test -Dtest=GeneratedDocsTest -Ddocs.update=true}.
 */
class GeneratedDocsTest {
    private static final Path DOCS = Path.of("../docs");

    @Test
    void descriptorReferenceIsUpToDate() throws Exception {
        check("descriptor.md", new DescriptorDocs().render(DescriptorSchema.ROOT));
    }

    @Test
    void commandReferenceIsUpToDate() throws Exception {
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false);
        Application application = new Application(console, new DescriptorLoader(), Tiers.standard(Main.context(Map.of(), console)), Map.of());
        check("commands.md", new CommandDocs().render(Main.commandLine(application)));
    }

    @Test
    void manPagesAreUpToDateAndReadableByMan() throws Exception {
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false);
        Application application = new Application(console, new DescriptorLoader(), Tiers.standard(Main.context(Map.of(), console)), Map.of());
        var pages = new io.tierlift.cli.docs.ManPages().render(Main.commandLine(application), Version.current());
        assertThat(pages).containsKeys("tierlift.1", "tierlift-deploy.1", "tierlift-plan.1", "tierlift-migrate.1");
        for (var page : pages.entrySet()) {
            check("man/" + page.getKey(), page.getValue());
        }
        // The real formatter accepts every page: no roff warnings on stderr.
        Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", DOCS.resolve("man/tierlift-deploy.1").toString())
                .redirectErrorStream(true).start();
        String output = new String(groff.getInputStream().readAllBytes());
        assertThat(groff.waitFor()).as("groff: %s", output).isZero();
        assertThat(output).as("groff warnings").isEmpty();
    }

    @Test
    void jsonSchemaIsUpToDate() throws Exception {
        String schema = new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new JsonSchemaWriter().write(DescriptorSchema.ROOT)) + "\n";
        check("tierlift.schema.json", schema);
    }

    private static void check(String name, String generated) throws Exception {
        Path file = DOCS.resolve(name);
        if (Boolean.getBoolean("docs.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated);
            return;
        }
        assertThat(file).as("docs/%s exists (regenerate with -Ddocs.update=true)", name).exists();
        assertThat(Files.readString(file)).as("docs/%s is out of date: regenerate with "
                + "mvn -pl cli test -Dtest=GeneratedDocsTest -Ddocs.update=true", name).isEqualTo(generated);
    }
}
