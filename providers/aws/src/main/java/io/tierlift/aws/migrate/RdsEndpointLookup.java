package io.tierlift.aws.migrate;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * Where the aws-iaas database is: the data stack's outputs (the RDS endpoint and the ARN of the
 * master user secret RDS manages). The password itself is never read here; callers get the ARN
 * to put in an {@code ${aws-sm:ARN}} reference.
 */
public final class RdsEndpointLookup {
    /** Output names the aws-iaas data stack declares (DataStack in the renderer). */
    static final String ADDRESS = "DbEndpointAddress";
    static final String PORT = "DbEndpointPort";
    static final String SECRET_ARN = "DbSecretArn";

    public record Endpoint(String host, int port, String secretArn) {
    }

    private final CloudFormationClient cfn;

    public RdsEndpointLookup(CloudFormationClient cfn) {
        this.cfn = cfn;
    }

    public Endpoint find(String dataStackName) {
        StackOutputs outputs = StackOutputs.read(cfn, dataStackName);
        String port = outputs.get(PORT);
        if (!port.matches("\\d{1,5}")) {
            throw new AwsMigrationException("stack " + dataStackName + " gives database port '" + port + "'");
        }
        return new Endpoint(outputs.get(ADDRESS), Integer.parseInt(port), outputs.get(SECRET_ARN));
    }
}
