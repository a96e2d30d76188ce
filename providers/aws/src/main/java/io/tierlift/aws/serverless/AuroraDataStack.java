package io.tierlift.aws.serverless;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.serverless.DatabasePath;
import software.amazon.awssdk.services.cloudformation.model.Capability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Changes to the live aws-serverless data stack outside a deploy, each through CloudFormation with
 * the stack's own template, parameters and tags, so the stack stays the record of the cluster:
 * logical replication turned on for a migration from a cluster that should pause, and the
 * cluster's deletion protection lifted before a destroy that deletes the data.
 */
public final class AuroraDataStack {
    static final String DATA = AwsServerlessDeployer.DATA;
    static final String LOGICAL_REPLICATION_ON = "1";

    private final StackDeployer stacks;
    private final Progress progress;
    private final CfnJson json = new CfnJson();
    private final ObjectMapper mapper = new ObjectMapper();

    public AuroraDataStack(StackDeployer stacks, Progress progress) {
        this.stacks = stacks;
        this.progress = progress;
    }

    /** Whether the cluster's layout lets logical replication be off (no proxy) and the live data stack has it off. */
    public boolean logicalReplicationOff(StackPlan plan) {
        return logicalReplication(plan).map(on -> !on).orElse(false);
    }

    /** Whether the cluster's layout lets logical replication be off (no proxy) and the live data stack has it on. */
    public boolean logicalReplicationOn(StackPlan plan) {
        return logicalReplication(plan).orElse(false);
    }

    /** The live data stack's setting, when the layout has one (no proxy) and the stack exists. */
    private Optional<Boolean> logicalReplication(StackPlan plan) {
        StackSpec data = plan.stack(DATA);
        if (!data.parameters().containsKey(DatabasePath.LOGICAL_REPLICATION_PARAMETER)) {
            return Optional.empty();
        }
        return stacks.status(data.name(), data.region())
                .filter(live -> !"DELETE_COMPLETE".equals(live.status()))
                .map(live -> live.parameters().get(DatabasePath.LOGICAL_REPLICATION_PARAMETER)).map(LOGICAL_REPLICATION_ON::equals);
    }

    /**
     * Sets the data stack's logical replication parameter to 1 for a cluster that connects directly
     * (so it could pause). The setting is static: it takes effect when the writer restarts, which is
     * the caller's next step. Returns false when it was on already, or when the cluster's layout has
     * it on always (behind the proxy).
     */
    public boolean turnOnLogicalReplication(StackPlan plan) {
        if (!logicalReplicationOff(plan)) {
            return false;
        }
        StackSpec data = plan.stack(DATA);
        LiveStack live = stacks.status(data.name(), data.region()).orElseThrow();
        progress.step(data.name(), "turning logical replication on for the migration (the database cannot pause "
                + "while it is on)");
        Map<String, String> parameters = new LinkedHashMap<>(live.parameters());
        parameters.put(DatabasePath.LOGICAL_REPLICATION_PARAMETER, LOGICAL_REPLICATION_ON);
        Set<Capability> capabilities = data.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        stacks.deploy(new StackRequest(data.name(), data.region(), json.write(data.template()), parameters,
                live.tags(), live.terminationProtection(), capabilities));
        return true;
    }

    /**
     * Updates the live data stack to its template with DeletionProtection off on the cluster, with the
     * parameters and tags it has: through CloudFormation, so the stack stays the record of the cluster.
     */
    void liftClusterDeletionProtection(StackPlan plan) {
        StackSpec data = plan.stack(DATA);
        Optional<LiveStack> live = stacks.status(data.name(), data.region())
                .filter(l -> !"DELETE_COMPLETE".equals(l.status()));
        if (live.isEmpty()) {
            return;
        }
        ObjectNode template;
        try {
            template = (ObjectNode) mapper.readTree(json.write(data.template()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean protectedCluster = false;
        for (JsonNode resource : template.path("Resources")) {
            JsonNode properties = resource.path("Properties");
            if ("AWS::RDS::DBCluster".equals(resource.path("Type").asText()) && properties.path("DeletionProtection").asBoolean(false)) {
                ((ObjectNode) properties).put("DeletionProtection", false);
                protectedCluster = true;
            }
        }
        if (!protectedCluster) {
            return;
        }
        progress.step(data.name(), "turning the database's deletion protection off (--force-data-deletion)");
        Set<Capability> capabilities = data.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        stacks.deploy(new StackRequest(data.name(), data.region(), template.toString(), live.get().parameters(),
                live.get().tags(), live.get().terminationProtection(), capabilities));
    }
}
