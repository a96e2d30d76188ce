package io.tierlift.render.aws;

import io.tierlift.provider.RenderedFile;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackPlanTest {
    private static StackSpec producer() {
        CfnTemplate.Builder t = CfnTemplate.builder("producer");
        CfnResource topic = t.add(CfnResource.of("Topic", "AWS::SNS::Topic", props()));
        t.output("TopicArn", "the topic", topic.ref());
        return new StackSpec("producer", "app-env-producer", "us-east-1", t.build(), Map.of(), List.of());
    }

    private static StackSpec consumer(ParameterSource source) {
        CfnTemplate.Builder t = CfnTemplate.builder("consumer");
        t.parameter("TopicArn", CfnParameter.string("topic"));
        t.add(CfnResource.of("Queue", "AWS::SQS::Queue", props()));
        return new StackSpec("consumer", "app-env-consumer", "eu-west-1", t.build(), Map.of("TopicArn", source), List.of());
    }

    @Test
    void acceptsOutputsOfEarlierStacksEvenAcrossRegions() {
        StackPlan plan = new StackPlan(List.of(producer(), consumer(new ParameterSource.StackOutput("producer", "TopicArn"))),
                Map.of("app", "a"));
        assertThat(plan.stack("consumer").dependsOn()).containsExactly("producer");
    }

    @Test
    void refusesAStackThatNeedsALaterOne() {
        assertThatThrownBy(() -> new StackPlan(List.of(consumer(new ParameterSource.StackOutput("producer", "TopicArn")),
                producer()), Map.of()))
                .hasMessageContaining("needs stack producer, which does not come before it");
    }

    @Test
    void refusesAnOutputTheProducerDoesNotHave() {
        assertThatThrownBy(() -> new StackPlan(List.of(producer(), consumer(new ParameterSource.StackOutput("producer", "QueueUrl"))),
                Map.of()))
                .hasMessageContaining("needs output QueueUrl that stack producer does not have");
    }

    @Test
    void refusesParameterSourcesThatDoNotMatchTheTemplate() {
        CfnTemplate template = CfnTemplate.builder("t").build();
        assertThatThrownBy(() -> new StackSpec("s", "a-s", "eu-west-1", template,
                Map.of("Extra", new ParameterSource.Literal("x")), List.of()))
                .hasMessageContaining("do not match the template's parameters");
    }

    @Test
    void parametersFilesShowLiteralsAndMarkTheRest() {
        CfnTemplate.Builder t = CfnTemplate.builder("three");
        t.parameter("A", CfnParameter.string("a"));
        t.parameter("B", CfnParameter.string("b"));
        t.parameter("C", CfnParameter.string("c"));
        t.add(CfnResource.of("Queue", "AWS::SQS::Queue", props()));
        StackSpec three = new StackSpec("three", "app-env-three", "eu-west-1", t.build(), Map.of(
                "C", new ParameterSource.Literal("plain"),
                "A", new ParameterSource.StackOutput("producer", "TopicArn"),
                "B", new ParameterSource.DeployTime("release-key", "uploaded by deploy")), List.of());
        List<RenderedFile> files = new StackFiles(new CfnJson()).render("aws-iaas",
                new StackPlan(List.of(producer(), three), Map.of("app", "app")));
        assertThat(files).extracting(RenderedFile::location).containsExactly("producer.template.json",
                "producer.parameters.json", "three.template.json", "three.parameters.json", "stacks.json");
        assertThat(files.get(3).contentAsText()).isEqualTo("""
                [
                  {
                    "ParameterKey": "A",
                    "ParameterValue": "{{tierlift:stack-output:app-env-producer:TopicArn}}"
                  },
                  {
                    "ParameterKey": "B",
                    "ParameterValue": "{{tierlift:deploy-time:release-key}}"
                  },
                  {
                    "ParameterKey": "C",
                    "ParameterValue": "plain"
                  }
                ]
                """);
        assertThat(files.get(4).contentAsText()).contains("\"region\": \"us-east-1\"").contains("\"how\": \"uploaded by deploy\"");
    }
}
