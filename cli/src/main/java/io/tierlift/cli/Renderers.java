package io.tierlift.cli;

import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import io.tierlift.render.aws.serverless.AwsServerlessRenderer;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.database.DatabaseRenderer;
import io.tierlift.render.onprem.edge.EdgeRenderer;
import io.tierlift.render.onprem.firewall.FirewallRenderer;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Which renderer serves each target; each is built on first use (validate needs none of them). */
final class Renderers implements java.util.function.Function<Target, RenderProvider> {
    private final Map<Target, RenderProvider> built = new EnumMap<>(Target.class);
    private TemplateEngine engine;

    @Override
    public synchronized RenderProvider apply(Target target) {
        return built.computeIfAbsent(target, this::create);
    }

    private RenderProvider create(Target target) {
        if (engine == null) {
            engine = new FreemarkerEngine();
        }
        return switch (target) {
            case ONPREM -> new OnpremRenderer(List.of(new EdgeRenderer(engine),
                    new AppServerRenderer(engine), new DatabaseRenderer(engine), new FirewallRenderer(engine)));
            case AWS_IAAS -> new AwsIaasRenderer(engine, new CfnJson());
            case AWS_SERVERLESS -> new AwsServerlessRenderer(engine, new CfnJson());
        };
    }

}
