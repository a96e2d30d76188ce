package io.tierlift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.console.Console;
import io.tierlift.cli.docs.CommandDocs;
import io.tierlift.cli.docs.DescriptorDocs;
import io.tierlift.cli.docs.GeneratedSection;
import io.tierlift.cli.docs.ModuleGraph;
import io.tierlift.cli.docs.SupportMatrix;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.descriptor.schema.DescriptorSchema;
import io.tierlift.descriptor.schema.JsonSchemaWriter;
import io.tierlift.provider.Target;
import io.tierlift.tier.TierRegistry;
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
    private static final Path ROOT = Path.of("..");

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

    @Test
    void readmeContractTableIsWhatTheTiersDeclare() throws Exception {
        checkSection(ROOT.resolve("README.md"), "contract", new SupportMatrix(standardTiers()).table());
    }

    @Test
    void eachGuideListsWhatItsTierDeclares() throws Exception {
        SupportMatrix matrix = new SupportMatrix(standardTiers());
        for (Target target : Target.values()) {
            checkSection(DOCS.resolve("guides/" + target.key() + ".md"), "supported-" + target.key(), matrix.forTier(target));
        }
    }

    @Test
    void architectureModuleGraphIsWhatThePomsDeclare() throws Exception {
        ModuleGraph graph = new ModuleGraph();
        var modules = graph.read(ROOT);
        assertThat(modules).as("every module says what it is for").allSatisfy(m -> assertThat(m.description()).isNotBlank());
        checkSection(DOCS.resolve("architecture.md"), "modules", graph.mermaid(modules));
    }

    /** The registry the CLI runs with, built without credentials or hosts: declarations only. */
    private static TierRegistry standardTiers() {
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false);
        return Tiers.standard(Main.context(Map.of(), console));
    }

    private static void checkSection(Path file, String name, String generated) throws Exception {
        GeneratedSection section = new GeneratedSection(name);
        String document = Files.readString(file);
        String expected = generated.endsWith("\n") ? generated : generated + "\n";
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(file, section.replace(document, expected));
            return;
        }
        assertThat(section.read(document)).as("%s section '%s' is out of date: regenerate with "
                + "mvn -pl cli test -Dtest=GeneratedDocsTest -Ddocs.update=true", file, name).isEqualTo("\n" + expected);
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
