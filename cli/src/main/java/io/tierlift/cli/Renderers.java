package io.tierlift.cli;

import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
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

/** Which renderer serves each target. */
final class Renderers {
    Map<Target, RenderProvider> all() {
        TemplateEngine engine = new FreemarkerEngine();
        Map<Target, RenderProvider> renderers = new EnumMap<>(Target.class);
        renderers.put(Target.ONPREM, new OnpremRenderer(List.of(new EdgeRenderer(engine),
                new AppServerRenderer(engine), new DatabaseRenderer(engine), new FirewallRenderer(engine))));
        renderers.put(Target.AWS_IAAS, new AwsIaasRenderer(engine, new CfnJson()));
        return renderers;
    }
}
