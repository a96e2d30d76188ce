package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every template of every aws-serverless variation through the real cfn-lint: resource schemas,
 * allowed values per region, deprecated runtimes and engine versions, best-practice rules. One
 * run per region over all files, since cfn-lint's start-up is what costs.
 */
@Tag("real")
class ServerlessCfnLintTest {
    private static final String CFN_LINT = "cfn-lint";

    @TempDir
    Path dir;

    record Finding(String rule, String level, String message, Path file, int line) {
        @Override
        public String toString() {
            return file.getParent().getFileName() + "/" + file.getFileName() + ":" + line + " " + rule + " " + message;
        }
    }

    @Test
    void everyRenderedTemplatePassesCfnLint() throws Exception {
        Map<String, List<Path>> byRegion = new TreeMap<>();
        int templates = 0;
        for (ServerlessCases variation : ServerlessCases.values()) {
            AppDescriptor app = variation.descriptor();
            AwsServerlessRenderer renderer = new AwsServerlessRenderer();
            Path caseDir = Files.createDirectories(dir.resolve(variation.caseName()));
            for (RenderedFile file : renderer.render(app, SecretView.masked())) {
                Files.write(caseDir.resolve(file.location()), file.content());
            }
            StackPlan plan = renderer.plan(app);
            for (StackSpec stack : plan.stacks()) {
                byRegion.computeIfAbsent(stack.region(), r -> new ArrayList<>()).add(caseDir.resolve(stack.templateFile()));
                templates++;
            }
        }
        assertThat(templates).as("templates linted").isEqualTo(ServerlessCases.values().length * 6);
        assertThat(byRegion).as("regions linted").containsOnlyKeys("eu-west-1", "us-east-1");

        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<Path>> region : byRegion.entrySet()) {
            findings.addAll(lint(region.getKey(), region.getValue()));
        }
        assertThat(findings.stream().filter(f -> f.level().equals("Error")).toList()).as("cfn-lint errors").isEmpty();
        assertThat(findings.stream().filter(f -> f.level().equals("Warning")).toList()).as("cfn-lint warnings").isEmpty();
    }

    /**
     * The linter must see what would stop a deploy: a runtime Lambda no longer creates and an
     * engine version RDS no longer creates clusters with. (The renderer never picks the first;
     * the second is the descriptor's choice.)
     */
    @Test
    void deprecatedRuntimesAndEnginesAreReported() throws Exception {
        Path template = dir.resolve("old.template.json");
        Files.writeString(template, """
                {
                  "AWSTemplateFormatVersion": "2010-09-09",
                  "Resources": {
                    "Role": { "Type": "AWS::IAM::Role", "Properties": { "AssumeRolePolicyDocument": {
                      "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "sts:AssumeRole",
                      "Principal": { "Service": "lambda.amazonaws.com" } } ] } } },
                    "Function": { "Type": "AWS::Lambda::Function", "Properties": {
                      "Runtime": "python3.11", "Handler": "tierlift_lambda.handler", "Role": { "Fn::GetAtt": [ "Role", "Arn" ] },
                      "Code": { "S3Bucket": "b", "S3Key": "k.zip" } } },
                    "Cluster": { "Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot",
                      "Properties": { "Engine": "aurora-postgresql", "EngineVersion": "15.4", "MasterUsername": "notes",
                      "ManageMasterUserPassword": true, "StorageEncrypted": true } }
                  }
                }
                """);
        List<Finding> findings = lint("eu-west-1", List.of(template));
        assertThat(findings).extracting(Finding::rule).contains("E2533", "W3690");
    }

    private List<Finding> lint(String region, List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CFN_LINT, "--format", "json", "--regions", region, "--"));
        files.forEach(f -> command.add(f.toString()));
        Path stderr = Files.createTempFile(dir, "cfn-lint", ".stderr");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            return fail("cfn-lint is needed for this test and was not found on PATH (" + e.getMessage()
                    + "); install it with: pip install cfn-lint");
        }
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return fail("cfn-lint did not finish within 5 minutes");
        }
        // Exit status is a bit set of levels found (2 error, 4 warning, 8 informational); 1 means it failed to run.
        int status = process.exitValue();
        String output = new String(out, StandardCharsets.UTF_8);
        if ((status & 1) != 0 || !output.trim().startsWith("[")) {
            return fail("cfn-lint failed (exit " + status + "): " + Files.readString(stderr) + output);
        }
        List<Finding> findings = new ArrayList<>();
        for (JsonNode match : ServerlessStacks.parse(output)) {
            findings.add(new Finding(match.path("Rule").path("Id").asText(), match.path("Level").asText(),
                    match.path("Message").asText(), Path.of(match.path("Filename").asText()),
                    match.path("Location").path("Start").path("LineNumber").asInt()));
        }
        return findings;
    }
}
