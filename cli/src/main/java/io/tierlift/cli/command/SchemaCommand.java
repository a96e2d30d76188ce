package io.tierlift.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.descriptor.schema.DescriptorSchema;
import io.tierlift.descriptor.schema.JsonSchemaWriter;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "schema", description = {"Print the descriptor's JSON Schema, for editors.",
        "With the YAML language server: put `# yaml-language-server: $schema=./tierlift.schema.json` on the first line."})
public final class SchemaCommand implements Callable<Integer> {
    private final Application app;

    SchemaCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws Exception {
        var schema = new JsonSchemaWriter().write(DescriptorSchema.ROOT);
        app.console().out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(schema));
        app.console().out().flush();
        return ExitCode.OK;
    }
}
