package io.tierlift.audit;

import io.tierlift.audit.aws.CloudFormationRules;
import io.tierlift.audit.onprem.OnpremRules;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.database.DatabaseRenderer;
import io.tierlift.render.onprem.edge.EdgeRenderer;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.secret.SecretView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A rendering to audit: a descriptor rendered for one target with masked secrets, which a test
 * may weaken by editing one rendered file before auditing it.
 */
final class AuditFixture {
    private static final FreemarkerEngine ENGINE = new FreemarkerEngine();

    final AppDescriptor app;
    final Target target;
    final List<RenderedFile> files;

    private AuditFixture(AppDescriptor app, Target target, List<RenderedFile> files) {
        this.app = app;
        this.target = target;
        this.files = files;
    }

    static AuditFixture render(AppDescriptor app, Target target) {
        return new AuditFixture(app, target, renderer(target).render(app, SecretView.masked()));
    }

    static AuditFixture example(String name, Target target) {
        Path file = Path.of("../examples/notes", name);
        return render(new DescriptorLoader().load(file, Optional.empty()).descriptor(), target);
    }

    static AuditFixture fromText(String yaml, Target target) {
        return render(new DescriptorLoader().load("test.yaml", yaml, Path.of("."), Optional.empty()).descriptor(), target);
    }

    static String fixture(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/descriptors", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RenderProvider renderer(Target target) {
        return switch (target) {
            case ONPREM -> OnpremRenderer.allRoles(ENGINE);
            case AWS_IAAS -> new AwsIaasRenderer(ENGINE, new CfnJson());
            case AWS_SERVERLESS -> new AwsServerlessRenderer(ENGINE, new CfnJson());
        };
    }

    /** The same rendering with one file's text changed; fails when the edit changes nothing. */
    AuditFixture edit(String location, UnaryOperator<String> change) {
        List<RenderedFile> changed = new ArrayList<>();
        boolean found = false;
        for (RenderedFile f : files) {
            if (f.location().equals(location)) {
                String before = f.contentAsText();
                String after = change.apply(before);
                if (after.equals(before)) {
                    throw new AssertionError("the edit of " + location + " changed nothing");
                }
                changed.add(RenderedFile.text(f.location(), after, f.mode(), f.owner(), f.group(), f.sensitive()));
                found = true;
            } else {
                changed.add(f);
            }
        }
        if (!found) {
            throw new AssertionError("no rendered file " + location);
        }
        return new AuditFixture(app, target, changed);
    }

    /** The same rendering with one CloudFormation template's resources changed in place. */
    AuditFixture editResources(String location, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return edit(location, text -> {
            try {
                com.fasterxml.jackson.databind.node.ObjectNode template = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(text);
                change.accept((com.fasterxml.jackson.databind.node.ObjectNode) template.get("Resources"));
                return json.writerWithDefaultPrettyPrinter().writeValueAsString(template);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The same rendering without one file; fails when there is no such file. */
    AuditFixture without(String location) {
        List<RenderedFile> kept = files.stream().filter(f -> !f.location().equals(location)).toList();
        if (kept.size() == files.size()) {
            throw new AssertionError("no rendered file " + location);
        }
        return new AuditFixture(app, target, kept);
    }

    /** The same rendering with one file replaced (e.g. another mode or sensitivity). */
    AuditFixture replace(String location, UnaryOperator<RenderedFile> change) {
        List<RenderedFile> changed = new ArrayList<>();
        for (RenderedFile f : files) {
            changed.add(f.location().equals(location) ? change.apply(f) : f);
        }
        return new AuditFixture(app, target, changed);
    }

    AuditReport audit() {
        // The tiers pick these same families (OnpremTier, AwsIaasTier, AwsServerlessTier).
        List<AuditRule> rules = target == Target.ONPREM ? new OnpremRules().all() : new CloudFormationRules().all();
        return new Auditor(rules).audit(new AuditInput(app, target, files));
    }
}
