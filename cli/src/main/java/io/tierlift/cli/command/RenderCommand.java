package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.secret.SecretView;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "render", description = {"Write every file tierlift would place, for review.",
        "onprem: DIR/onprem/<host>/<absolute path>; AWS: DIR/<target>/<stack>.template.json and parameters.",
        "Secrets appear as stand-ins (tierlift-secret-...), never as values."})
public final class RenderCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class,
            description = "onprem, aws-iaas or aws-serverless.")
    Target target;

    @Mixin
    DescriptorOptions descriptor;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", required = true, description = "Folder to write into.")
    Path outputDir;

    RenderCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws IOException {
        app.tiers().require(target, Operation.RENDER);
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        RenderProvider renderer = renderer(loaded);
        if (!renderer.isDescribed(loaded.descriptor())) {
            throw new InvalidDescriptorException(List.of(Diagnostic.error(loaded.sourceMap().positionOf("targets"), "targets",
                    "no " + target + " section: describe the tier under targets." + target + " to render it")));
        }
        // Render everything in memory first: a failure leaves the output folder untouched.
        List<RenderedFile> files = renderer.render(loaded.descriptor(), SecretView.masked());
        Path root = outputDir.resolve(target.key());
        new RenderedTreeWriter().replace(root, files);
        app.console().info("wrote " + files.size() + " files to " + root);
        return ExitCode.OK;
    }

    private RenderProvider renderer(LoadedDescriptor loaded) {
        try (Tier tier = app.tiers().open(target, TierScope.of(loaded.descriptor()), Operation.RENDER)) {
            return tier.renderer();
        }
    }
}
