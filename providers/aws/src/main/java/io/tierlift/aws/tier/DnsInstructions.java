package io.tierlift.aws.tier;

import io.tierlift.aws.route53.Route53RecordSwitch;
import io.tierlift.provider.Target;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * What the operator must change in DNS when the descriptor manages no record: the exact records,
 * for whichever DNS host they use. Printed by a tier's takeTraffic.
 */
public final class DnsInstructions {
    /** For a tier behind CloudFront; {@code name} is the distribution's alias, when it has one. */
    public void cloudFront(PrintWriter out, Target tier, Optional<String> name, String distributionDomain) {
        out.println(tier + " serves the app at https://" + distributionDomain + "/");
        if (name.isEmpty()) {
            out.println("The distribution has no alias (targets." + tier + ".domain), so users reach it by that name only.");
            out.println("To serve your own name, set domain and cloudfront_certificate_arn, deploy, then point the name at it.");
        } else {
            out.println("To send users to " + tier + ", point " + name.get() + " at " + distributionDomain + ":");
            out.println("  " + name.get() + ".  CNAME  " + distributionDomain + ".");
            out.println("or, at a zone's apex or in Route 53, alias records (A and AAAA) to " + distributionDomain
                    + " in hosted zone " + Route53RecordSwitch.CLOUDFRONT_ZONE + ".");
            out.println("Add a dns section to the descriptor and tierlift changes the record itself.");
        }
        out.flush();
    }

    /** For the on-prem edge: one A record per address. */
    public void addresses(PrintWriter out, Target tier, String name, List<String> addresses, int ttl) {
        out.println("To send users to " + tier + ", replace the records of " + name + " with:");
        for (String address : addresses) {
            out.println("  " + name + ".  " + ttl + "  A  " + address);
        }
        out.println("and remove any CNAME or AAAA record of that name (they would keep sending clients to the old tier).");
        out.println("Add a dns section to the descriptor and tierlift changes the records itself.");
        out.flush();
    }
}
