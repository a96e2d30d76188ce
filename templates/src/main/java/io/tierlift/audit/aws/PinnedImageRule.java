package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/**
 * Instances run an image recorded with the release: a plain image id parameter, kept by every
 * deploy until the operator asks for a new one. An SSM parameter type or a {@code resolve:ssm}
 * reference is looked up again on every stack update, so a deploy made for another reason rolls the
 * whole fleet onto whatever image Amazon published last, untested.
 */
final class PinnedImageRule extends CfnRule {
    PinnedImageRule() {
        super("aws.pinned-image", Severity.MEDIUM, "instances run the image recorded with the release",
                "pass the image as an AWS::EC2::Image::Id parameter that deploy fills with the recorded image "
                        + "(a new one only with --refresh-image), not an SSM parameter resolved on every update");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource template : templates.ofType("AWS::EC2::LaunchTemplate")) {
            JsonNode image = template.properties().path("LaunchTemplateData").path("ImageId");
            if (image.isTextual()) {
                if (image.asText().contains("{{resolve:ssm")) {
                    findings.add(at(template, "ImageId is an SSM reference, resolved again on every stack update"));
                }
                continue;
            }
            String parameter = image.path("Ref").asText("");
            String type = templates.parameterType(template.stack(), parameter).orElse("");
            if (type.startsWith("AWS::SSM::Parameter::Value")) {
                findings.add(at(template, "ImageId is parameter " + parameter + " of type " + type
                        + ", which CloudFormation resolves again on every stack update"));
            }
        }
    }
}
