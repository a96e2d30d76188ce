package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Props;
import io.tierlift.render.engine.TemplateEngine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The front door: a CloudFront distribution with the WAF attached, serving the React build from
 * a private S3 bucket (Origin Access Control; the bucket policy admits only this distribution)
 * and sending {@code /api/*} to the app's endpoint uncached, with the viewer's headers, cookies and
 * query strings but not its Host header, and with the {@link OriginSecret} header the endpoint
 * requires. Both AWS tiers use it; what differs is the API origin
 * (the aws-iaas load balancer, or the aws-serverless HTTP API), see {@link ApiOrigin}.
 *
 * <p>SPA routing: deep links such as {@code /notes/42} have no object in S3. CloudFront's custom
 * error responses would map 403/404 to /index.html, but they apply to every origin, so API errors
 * (a 404 for a missing note) would reach the app as 200 + HTML. Instead a CloudFront Function on
 * the S3 behaviour only rewrites extension-less paths to /index.html; the API's status codes pass
 * through untouched. The trade-offs: a route whose last segment contains a dot is taken for a
 * file, and a missing asset answers S3's 403 rather than a 404.
 */
public final class StaticSiteStack {
    public static final String KEY = "static";
    public static final String SITE_BUCKET = "SiteBucketName";
    public static final String DISTRIBUTION_ID = "DistributionId";
    public static final String DISTRIBUTION_DOMAIN = "DistributionDomainName";
    public static final String API_ORIGIN_PARAMETER = "ApiOriginDomainName";
    /** AWS managed policies (fixed ids, the same in every account). */
    static final String CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
    static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    static final String ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
    private static final String SITE_ORIGIN = "site";
    private static final String API_ORIGIN = "api";
    /** CloudFront waits at most 60 s for an origin without a quota increase. */
    private static final int MAX_ORIGIN_READ_TIMEOUT = 60;
    /** Longest name of an origin access control or a CloudFront function. */
    private static final int NAME_LIMIT = 64;
    static final String REQUEST_ID_FUNCTION = "RequestIdFunction";
    /** The request-id function's code, a template without values. */
    public static final String REQUEST_ID_CODE = "aws/iaas/request-id.js.txt.ftl";

    /**
     * Where CloudFront sends {@code /api/*}.
     *
     * @param description          what the origin is, for the template's description ("the load balancer")
     * @param https                whether CloudFront talks to it over HTTPS (else plain HTTP)
     * @param parameterDescription description of the template parameter holding its DNS name
     * @param domainName           where the deployer gets that DNS name
     * @param appTimeoutSeconds    how long the app may take to answer; CloudFront waits a little longer
     */
    public record ApiOrigin(String description, boolean https, String parameterDescription, ParameterSource domainName,
                            int appTimeoutSeconds) {
    }

    /**
     * The viewer side of the distribution: the region the stack lives in, and an alias with its
     * us-east-1 certificate when both are set (else CloudFront's own name and certificate).
     */
    public record Site(String region, Optional<String> domain, Optional<String> cloudfrontCertificateArn) {
    }

    private final StackNames names;
    private final Site site;
    private final ApiOrigin api;
    private final TemplateEngine engine;
    /**
     * Whether CloudFront gives every API request an X-Request-ID: on aws-iaas nothing else can (the load
     * balancer passes headers on as they are); aws-serverless's adapter takes API Gateway's id instead.
     */
    private final boolean edgeRequestId;

    public StaticSiteStack(StackNames names, Site site, ApiOrigin api, TemplateEngine engine) {
        this(names, site, api, engine, false);
    }

    private StaticSiteStack(StackNames names, Site site, ApiOrigin api, TemplateEngine engine, boolean edgeRequestId) {
        this.names = names;
        this.site = site;
        this.api = api;
        this.engine = engine;
        this.edgeRequestId = edgeRequestId;
    }

    /** The aws-iaas front door: /api/* to the load balancer, each request with an X-Request-ID. */
    StaticSiteStack(StackNames names, AwsIaasTarget target, int backendTimeoutSeconds, TemplateEngine engine) {
        this(names, new Site(target.region(), target.domain(), target.cloudfrontCertificateArn()),
                loadBalancer(target, backendTimeoutSeconds), engine, true);
    }

    private static ApiOrigin loadBalancer(AwsIaasTarget target, int backendTimeoutSeconds) {
        boolean https = target.certificateArn().isPresent();
        // Over HTTPS CloudFront checks the ALB's certificate against the origin name, so it must be a name the
        // certificate covers (origin_domain); over plain HTTP the ALB's own DNS name will do.
        return new ApiOrigin("the load balancer", https, https
                ? "DNS name CloudFront reaches the load balancer by; the ALB certificate must cover it"
                : "DNS name of the load balancer (compute stack output " + ComputeStack.ALB_DNS_NAME + ")",
                https
                        ? new ParameterSource.Literal(target.originDomain().orElseThrow())
                        : new ParameterSource.StackOutput(ComputeStack.KEY, ComputeStack.ALB_DNS_NAME),
                backendTimeoutSeconds);
    }

    public StackSpec build() {
        boolean https = api.https();
        boolean alias = site.domain().isPresent() && site.cloudfrontCertificateArn().isPresent();
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " static: CloudFront with WAF, React build from S3, /api/* to "
                + api.description() + " over " + (https ? "HTTPS" : "HTTP") + (alias ? ", alias " + site.domain().get() : ""));
        JsonNode apiOrigin = t.parameter(API_ORIGIN_PARAMETER, CfnParameter.string(api.parameterDescription())
                .withPattern("^[A-Za-z0-9.-]{1,253}$", "a DNS name"));
        Map<String, ParameterSource> parameters = new LinkedHashMap<>();
        parameters.put(API_ORIGIN_PARAMETER, api.domainName());
        parameters.put("WebAclArn", new ParameterSource.StackOutput(WafStack.KEY, WafStack.WEB_ACL_ARN));
        OriginSecret.parameters(t, parameters, false);
        JsonNode webAcl = t.parameter("WebAclArn", CfnParameter.string(
                        "ARN of the CloudFront web ACL (waf stack output " + WafStack.WEB_ACL_ARN + ", in us-east-1)")
                .withPattern("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/.+$", "a global WAFv2 web ACL ARN"));

        CfnResource bucket = t.add(CfnResource.of("SiteBucket", "AWS::S3::Bucket", PrivateBucket.properties()));
        CfnResource oac = t.add(CfnResource.of("SiteOriginAccessControl", "AWS::CloudFront::OriginAccessControl", props()
                .put("OriginAccessControlConfig", props()
                        .put("Name", names.resource("site", NAME_LIMIT))
                        .put("Description", names.prefix() + " CloudFront to the site bucket")
                        .put("OriginAccessControlOriginType", "s3")
                        .put("SigningBehavior", "always")
                        .put("SigningProtocol", "sigv4"))));
        CfnResource spaRouting = t.add(CfnResource.of("SpaRoutingFunction", "AWS::CloudFront::Function", props()
                .put("Name", names.resource("spa-routing", NAME_LIMIT))
                .put("AutoPublish", true)
                .put("FunctionConfig", props()
                        .put("Comment", "Serves /index.html for app routes (paths without a file extension)")
                        .put("Runtime", "cloudfront-js-2.0"))
                .put("FunctionCode", engine.render("aws/iaas/spa-routing.js.txt.ftl", new NoValues()))));
        Props apiBehaviour = props()
                .put("PathPattern", "/api/*")
                .put("TargetOriginId", API_ORIGIN)
                .put("ViewerProtocolPolicy", "redirect-to-https")
                .put("CachePolicyId", CACHING_DISABLED)
                .put("OriginRequestPolicyId", ALL_VIEWER_EXCEPT_HOST_HEADER)
                .put("Compress", true)
                .put("AllowedMethods", List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"))
                .put("CachedMethods", List.of("GET", "HEAD"));
        if (edgeRequestId) {
            // A header the function adds is a viewer header to the origin request policy, so it reaches the origin.
            CfnResource requestId = t.add(CfnResource.of(REQUEST_ID_FUNCTION, "AWS::CloudFront::Function", props()
                    .put("Name", names.resource("request-id", NAME_LIMIT))
                    .put("AutoPublish", true)
                    .put("FunctionConfig", props()
                            .put("Comment", "Gives every API request an X-Request-ID: the client's when well-formed, else CloudFront's id")
                            .put("Runtime", "cloudfront-js-2.0"))
                    .put("FunctionCode", engine.render(REQUEST_ID_CODE, new NoValues()))));
            apiBehaviour.put("FunctionAssociations", List.of(props()
                    .put("EventType", "viewer-request")
                    .put("FunctionARN", requestId.att("FunctionARN"))));
        }

        Props distribution = props()
                .put("Enabled", true)
                .put("Comment", names.prefix())
                .put("HttpVersion", "http2and3")
                .put("IPV6Enabled", true)
                .put("DefaultRootObject", "index.html")
                .put("WebACLId", webAcl)
                .put("Origins", List.of(
                        props()
                                .put("Id", SITE_ORIGIN)
                                .put("DomainName", bucket.att("RegionalDomainName"))
                                .put("OriginAccessControlId", oac.att("Id"))
                                // OAC replaces the legacy identity; the empty value is how CloudFront says "none".
                                .put("S3OriginConfig", props().put("OriginAccessIdentity", "")),
                        props()
                                .put("Id", API_ORIGIN)
                                .put("DomainName", apiOrigin)
                                // The app's entry point lets in only requests that carry it.
                                .put("OriginCustomHeaders", List.of(props()
                                        .put("HeaderName", OriginSecret.HEADER)
                                        .put("HeaderValue", OriginSecret.value(OriginSecret.VERSION_PARAMETER))))
                                .put("CustomOriginConfig", props()
                                        .put("OriginProtocolPolicy", https ? "https-only" : "http-only")
                                        .put("HTTPPort", 80)
                                        .put("HTTPSPort", 443)
                                        .put("OriginSSLProtocols", List.of("TLSv1.2"))
                                        // A little longer than the app's own timeout, so a slow request
                                        // ends with the app's error rather than CloudFront's 504.
                                        .put("OriginReadTimeout", Math.min(MAX_ORIGIN_READ_TIMEOUT, api.appTimeoutSeconds() + 5)))))
                .put("DefaultCacheBehavior", props()
                        .put("TargetOriginId", SITE_ORIGIN)
                        .put("ViewerProtocolPolicy", "redirect-to-https")
                        .put("CachePolicyId", CACHING_OPTIMIZED)
                        .put("Compress", true)
                        .put("AllowedMethods", List.of("GET", "HEAD"))
                        .put("CachedMethods", List.of("GET", "HEAD"))
                        .put("FunctionAssociations", List.of(props()
                                .put("EventType", "viewer-request")
                                .put("FunctionARN", spaRouting.att("FunctionARN")))))
                .put("CacheBehaviors", List.of(apiBehaviour));
        if (alias) {
            distribution.put("Aliases", List.of(site.domain().get()))
                    .put("ViewerCertificate", props()
                            .put("AcmCertificateArn", site.cloudfrontCertificateArn().get())
                            .put("SslSupportMethod", "sni-only")
                            .put("MinimumProtocolVersion", "TLSv1.2_2021"));
        } else {
            distribution.put("ViewerCertificate", props().put("CloudFrontDefaultCertificate", true));
        }
        CfnResource cdn = t.add(CfnResource.of("Distribution", "AWS::CloudFront::Distribution", props()
                .put("DistributionConfig", distribution)));

        t.add(CfnResource.of("SiteBucketPolicy", "AWS::S3::BucketPolicy", props()
                .put("Bucket", bucket.ref())
                .put("PolicyDocument", props()
                        .put("Version", "2012-10-17")
                        .put("Statement", List.of(
                                props()
                                        .put("Sid", "CloudFrontReadsSite")
                                        .put("Effect", "Allow")
                                        .put("Principal", props().put("Service", "cloudfront.amazonaws.com"))
                                        .put("Action", "s3:GetObject")
                                        .put("Resource", Fn.sub("${SiteBucket.Arn}/*"))
                                        .put("Condition", props().put("StringEquals", Map.of("AWS:SourceArn",
                                                Fn.sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}")))),
                                PrivateBucket.denyInsecureTransport(bucket))))));

        t.output(SITE_BUCKET, "Bucket the deployer syncs the React build to", bucket.ref());
        t.output(DISTRIBUTION_ID, "Distribution to invalidate after a frontend deploy", cdn.ref());
        t.output(DISTRIBUTION_DOMAIN, "CloudFront domain name (point the app's DNS name here)", cdn.att("DomainName"));

        return new StackSpec(KEY, names.stack(KEY), site.region(), t.build(), parameters, List.of());
    }

    /** View model of a template that substitutes nothing. */
    public record NoValues() {
    }
}
