package io.tierlift.diagram;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.render.onprem.firewall.TopologyFlows;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/** The real Mermaid CLI with Debian's chromium: fails (never skips) when either is missing. */
@Tag("real")
class MermaidRenderRealTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;
    private MermaidCli cli;

    @BeforeEach
    void tools() {
        cli = MermaidCli.locate(System.getenv(), Path.of("").toAbsolutePath());
        cli.missing().ifPresent(why -> fail("cannot run the diagram tests: " + why));
    }

    @Test
    void onpremSvgNamesEveryHost() throws Exception {
        AppDescriptor app = TestDescriptors.load("seed.yaml");
        Path svg = dir.resolve("onprem.svg");
        cli.render(new OnpremDiagram(new TopologyFlows()).mermaid(app), svg);

        String text = svgText(svg);
        for (Host host : app.targets().onprem().orElseThrow().hosts()) {
            assertThat(text).contains(host.name()).contains(host.address());
        }
        assertThat(text).contains("zone dmz").contains("zone trusted").contains("replication");
    }

    @Test
    void awsSvgNamesTheTrafficResources() throws Exception {
        AppDescriptor app = TestDescriptors.load("iaas-example.yaml");
        Path svg = dir.resolve("aws.svg");
        cli.render(new AwsDiagram().mermaid(new AwsIaasRenderer().plan(app), app.backend().port(), app.database().port()), svg);

        assertThat(svgText(svg)).contains("Distribution", "WebAcl", "SiteBucket", "LoadBalancer", "AppAutoScalingGroup",
                "Database", "PublicSubnetA", "DbSubnetB");
    }

    @Test
    void awsServerlessSvgNamesTheTrafficResources() throws Exception {
        AppDescriptor app = TestDescriptors.load("serverless-warm.yaml");
        Path svg = dir.resolve("serverless.svg");
        cli.render(AwsServerlessDiagramTest.mermaid(app), svg);

        assertThat(svgText(svg)).contains("Distribution", "WebAcl", "SiteBucket", "HttpApi", "Function", "DbProxy",
                "DbCluster", "DbInstance", "SecretsManagerEndpoint", "FunctionSubnetA", "DbSubnetB");
    }

    @Test
    void pngIsAPictureOfPlausibleSize() throws Exception {
        AppDescriptor app = TestDescriptors.load("seed.yaml");
        Path png = dir.resolve("onprem.png");
        cli.render(new OnpremDiagram(new TopologyFlows()).mermaid(app), png);

        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("PNG size").isGreaterThan(10 * 1024);
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(PNG_SIGNATURE);
        // The first chunk is IHDR: length(4) type(4) width(4) height(4), big-endian.
        assertThat(new String(bytes, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8);
        int width = header.getInt();
        int height = header.getInt();
        assertThat(width).as("width").isGreaterThan(300);
        assertThat(height).as("height").isGreaterThan(300);
    }

    @Test
    void aParseErrorIsReportedWithMmdcsMessage() {
        Path svg = dir.resolve("bad.svg");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cli.render("flowchart LR\n  a[\"x\" --> \n", svg))
                .isInstanceOf(MermaidCli.MermaidException.class).hasMessageContaining("mmdc failed");
    }

    /** All text of the SVG, read as XML (which also proves it is well-formed). */
    private static String svgText(Path svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        return doc.getDocumentElement().getTextContent();
    }
}
