package io.tierlift.render.aws.cfn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CfnJsonTest {
    private final CfnJson json = new CfnJson();

    @Test
    void writesSectionsInOrderResourcesAsAddedAndPropertiesSorted() {
        CfnTemplate.Builder t = CfnTemplate.builder("demo");
        t.parameter("Zone", CfnParameter.string("a zone").withDefault("a"));
        CfnResource second = t.add(CfnResource.of("Zeta", "AWS::SNS::Topic", props().put("TopicName", "z").put("DisplayName", "Z")));
        t.add(CfnResource.of("Alpha", "AWS::SQS::Queue", props().put("QueueName", Fn.join("-", List.of("q", second.att("TopicName")))))
                .dependingOn("Zeta"));
        t.output("TopicArn", "the topic", second.ref());
        assertThat(json.write(t.build())).isEqualTo("""
                {
                  "AWSTemplateFormatVersion": "2010-09-09",
                  "Description": "demo",
                  "Parameters": {
                    "Zone": {
                      "Type": "String",
                      "Description": "a zone",
                      "Default": "a"
                    }
                  },
                  "Resources": {
                    "Zeta": {
                      "Type": "AWS::SNS::Topic",
                      "Properties": {
                        "DisplayName": "Z",
                        "TopicName": "z"
                      }
                    },
                    "Alpha": {
                      "Type": "AWS::SQS::Queue",
                      "DependsOn": [
                        "Zeta"
                      ],
                      "Properties": {
                        "QueueName": {
                          "Fn::Join": [
                            "-",
                            [
                              "q",
                              {
                                "Fn::GetAtt": [
                                  "Zeta",
                                  "TopicName"
                                ]
                              }
                            ]
                          ]
                        }
                      }
                    }
                  },
                  "Outputs": {
                    "TopicArn": {
                      "Description": "the topic",
                      "Value": {
                        "Ref": "Zeta"
                      }
                    }
                  }
                }
                """);
    }

    @Test
    void writesConditionsAndResourceAttributes() {
        CfnTemplate.Builder t = CfnTemplate.builder("conditional");
        t.parameter("Env", CfnParameter.string("environment"));
        t.condition("IsProd", Fn.equalTo(Fn.ref("Env"), "prod"));
        t.add(CfnResource.of("Table", "AWS::DynamoDB::Table", props().put("BillingMode", "PAY_PER_REQUEST"))
                .onCondition("IsProd")
                .onDeleteAndReplace("Retain")
                .withUpdatePolicy(props().put("Ignored", true)));
        String text = json.write(t.build());
        assertThat(text).contains("""
                  "Conditions": {
                    "IsProd": {
                      "Fn::Equals": [
                        {
                          "Ref": "Env"
                        },
                        "prod"
                      ]
                    }
                  },
                """);
        assertThat(text).contains("""
                      "Type": "AWS::DynamoDB::Table",
                      "Condition": "IsProd",
                      "UpdatePolicy": {
                        "Ignored": true
                      },
                      "DeletionPolicy": "Retain",
                      "UpdateReplacePolicy": "Retain",
                """);
    }

    @Test
    void escapesTextThatWouldBreakHandWrittenJson() {
        CfnTemplate.Builder t = CfnTemplate.builder("quote \" backslash \\ newline\n");
        t.add(CfnResource.of("Topic", "AWS::SNS::Topic", props().put("DisplayName", "tab\there")));
        String text = json.write(t.build());
        assertThat(text).contains("\"Description\": \"quote \\\" backslash \\\\ newline\\n\"").contains("\"tab\\there\"");
    }

    @Test
    void intrinsicsHaveTheirCloudFormationShape() {
        assertThat(Fn.ref("X").toString()).isEqualTo("{\"Ref\":\"X\"}");
        assertThat(Fn.getAtt("X", "Arn").toString()).isEqualTo("{\"Fn::GetAtt\":[\"X\",\"Arn\"]}");
        assertThat(Fn.select(1, Fn.getAzs()).toString()).isEqualTo("{\"Fn::Select\":[1,{\"Fn::GetAZs\":\"\"}]}");
        assertThat(Fn.sub("${B}-${A}", Map.of("B", "2", "A", Fn.ref("P"))).toString())
                .isEqualTo("{\"Fn::Sub\":[\"${B}-${A}\",{\"A\":{\"Ref\":\"P\"},\"B\":\"2\"}]}");
        assertThat(Fn.importValue("shared-vpc").toString()).isEqualTo("{\"Fn::ImportValue\":\"shared-vpc\"}");
        assertThat(Fn.ifThen("IsProd", 3, Fn.noValue()).toString())
                .isEqualTo("{\"Fn::If\":[\"IsProd\",3,{\"Ref\":\"AWS::NoValue\"}]}");
        assertThat(Fn.base64(Fn.sub("x")).toString()).isEqualTo("{\"Fn::Base64\":{\"Fn::Sub\":\"x\"}}");
    }

    @Test
    void refusesDuplicatesAndValuesThatAreNotJson() {
        CfnTemplate.Builder t = CfnTemplate.builder("d");
        t.parameter("Name", CfnParameter.string("n"));
        assertThatThrownBy(() -> t.add(CfnResource.of("Name", "AWS::SNS::Topic", props())))
                .hasMessageContaining("already a parameter or resource");
        assertThatThrownBy(() -> props().put("A", 1).put("A", 2)).hasMessageContaining("set twice");
        assertThatThrownBy(() -> props().put("A", new Object())).hasMessageContaining("not a CloudFormation value");
        assertThatThrownBy(() -> props().put("A", null)).hasMessageContaining("leave the property out");
        assertThatThrownBy(() -> CfnResource.of("bad-id", "AWS::SNS::Topic", props())).hasMessageContaining("alphanumeric");
    }

    @Test
    void builtResourcesCannotBeChangedThroughTheirProperties() {
        CfnResource topic = CfnResource.of("Topic", "AWS::SNS::Topic", props().put("DisplayName", "a"));
        topic.properties().put("DisplayName", "changed");
        assertThat(topic.properties().path("DisplayName").asText()).isEqualTo("a");
    }
}
