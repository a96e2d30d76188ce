package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
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
        MaskedRendering rendering = MaskedRendering.of(app, target, descriptor, "render");
        List<RenderedFile> files = rendering.files();
        Path root = outputDir.resolve(target.key());
        new RenderedTreeWriter().replace(root, files);
        app.console().info("wrote " + files.size() + " files to " + root);
        return ExitCode.OK;
    }
}
