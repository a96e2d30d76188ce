package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.provider.RenderedFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "render", description = {"Write every file tierlift would place, for review.",
        "onprem: DIR/onprem/<host>/<absolute path>; AWS: DIR/<target>/<stack>.template.json and parameters.",
        "Secrets appear as stand-ins (tierlift-secret-...), never as values."})
public final class RenderCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", required = true, description = "Folder to write into.")
    Path outputDir;

    RenderCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws IOException {
        MaskedRendering rendering = MaskedRendering.of(app, on, "render");
        List<RenderedFile> files = rendering.files();
        Path root = outputDir.resolve(on.target().key());
        new RenderedTreeWriter().replace(root, files);
        app.console().info("wrote " + files.size() + " files to " + root);
        return ExitCode.OK;
    }
}
