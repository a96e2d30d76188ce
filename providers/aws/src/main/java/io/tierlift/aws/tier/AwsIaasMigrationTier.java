package io.tierlift.aws.tier;

import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.migrate.AlbMaintenance;
import io.tierlift.aws.migrate.RdsEndpointLookup;
import io.tierlift.database.DbEndpoint;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.Progress;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.iaas.StaticSiteStack;
import io.tierlift.secret.SecretRef;
import io.tierlift.tier.DeployOnce;
import io.tierlift.tier.DnsRecord;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.TierFailure;
import software.amazon.awssdk.services.cloudformation.model.Output;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * The aws-iaas tier in a migration: provisioned by the aws-iaas deploy, its database found in the
 * data stack's outputs (the RDS endpoint, the master secret as an {@code ${aws-sm:ARN}} reference),
 * maintenance as a fixed-503 rule on the ALB's listeners, traffic by printed DNS instructions.
 */
public final class AwsIaasMigrationTier implements MigrationTier {
    private final AppDescriptor descriptor;
    private final StackPlan plan;
    private final AwsClients clients;
    private final Progress progress;
    private final DeployOnce deploy;
    private final Optional<DnsRecord> dns;

    public AwsIaasMigrationTier(AppDescriptor descriptor, StackPlan plan, AwsClients clients, Progress progress, Runnable deploy) {
        this(descriptor, plan, clients, progress, deploy, Optional.empty());
    }

    /** {@code dns}: the descriptor's managed record, which {@link #takeTraffic} aliases to the distribution. */
    public AwsIaasMigrationTier(AppDescriptor descriptor, StackPlan plan, AwsClients clients, Progress progress, Runnable deploy,
                                Optional<DnsRecord> dns) {
        this.dns = dns;
        this.descriptor = descriptor;
        this.plan = plan;
        this.clients = clients;
        this.progress = progress;
        this.deploy = new DeployOnce(deploy);
    }

    @Override
    public Target target() {
        return Target.AWS_IAAS;
    }

    @Override
    public void provision() {
        deploy.run();
    }

    @Override
    public DbEndpoint database() {
        StackSpec data = plan.stack("data");
        RdsEndpointLookup.Endpoint rds = new RdsEndpointLookup(clients.cloudFormation(data.region())).find(data.name());
        SecretRef secret = SecretRef.parse("${aws-sm:" + rds.secretArn() + "}").orElseThrow(() -> new TierFailure(
                "the data stack's secret ARN is not usable as a reference: " + rds.secretArn()));
        // RDS makes the descriptor's database user the master user; its password is the managed secret.
        return new DbEndpoint(rds.host(), rds.port(), descriptor.database().name(), descriptor.database().user(), Optional.of(secret));
    }

    @Override
    public void maintenance(boolean on) {
        StackSpec compute = plan.stack("compute");
        AlbMaintenance alb = alb(compute);
        int changed = alb.set(compute.name(), on);
        if (alb.isOn(compute.name()) != on) {
            throw new TierFailure("maintenance " + (on ? "on" : "off") + ": the ALB of " + compute.name()
                    + (on ? " still has no" : " still has its") + " maintenance rule");
        }
        progress.step("maintenance", (on ? "on" : "off") + " for the ALB of " + compute.name() + " (" + changed
                + " listener rule(s) " + (on ? "added" : "removed") + ", priority 1, fixed 503)");
    }

    /** Whether the ALB answers with the maintenance rule now. */
    public boolean maintenanceOn() {
        StackSpec compute = plan.stack("compute");
        return alb(compute).isOn(compute.name());
    }

    private AlbMaintenance alb(StackSpec compute) {
        return new AlbMaintenance(clients.cloudFormation(compute.region()), clients.elasticLoadBalancing(compute.region()));
    }

    @Override
    public void takeTraffic(PrintWriter out) {
        // The deploy leaves the ALB's rules as it finds them (an earlier rollback or migration away
        // from this tier leaves the maintenance rule): users come with the switch, so it ends here.
        if (maintenanceOn()) {
            maintenance(false);
        }
        StackSpec site = plan.stack(StaticSiteStack.KEY);
        String domain = clients.cloudFormation(site.region()).describeStacks(r -> r.stackName(site.name())).stacks().stream()
                .flatMap(s -> s.outputs().stream())
                .filter(o -> o.outputKey().equals(StaticSiteStack.DISTRIBUTION_DOMAIN)).map(Output::outputValue)
                .findFirst().orElse(null);
        if (dns.isPresent() && domain != null) {
            dns.get().pointAtCloudFront(target(), domain, out);
            return;
        }
        if (domain == null) {
            domain = "(the " + StaticSiteStack.DISTRIBUTION_DOMAIN + " output of stack " + site.name() + ")";
        }
        out.println("switch: point the app's domain at the CloudFront distribution " + domain
                + " (a CNAME, or a Route 53 alias record); clients reach the aws-iaas tier once their DNS cache expires.");
        out.flush();
    }

    @Override
    public void close() {
        dns.ifPresent(DnsRecord::close);
        clients.close();
    }
}
