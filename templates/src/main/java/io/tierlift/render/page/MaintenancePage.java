package io.tierlift.render.page;

import io.tierlift.render.engine.TemplateEngine;

/**
 * The page users see while a tier is in maintenance: nginx serves it on-prem, the Lambda adapter
 * answers with it on aws-serverless. One template, so both tiers say the same thing.
 */
public final class MaintenancePage {
    private static final String TEMPLATE = "page/maintenance-page.txt.ftl";

    private final TemplateEngine engine;

    public MaintenancePage(TemplateEngine engine) {
        this.engine = engine;
    }

    /** {@code name}: what users know the site as (its domain, or the app's name where it has none). */
    public String render(String app, String name) {
        return engine.render(TEMPLATE, new View(app, name));
    }

    /** View model of {@code maintenance-page.txt.ftl}. */
    public record View(String app, String name) {
    }
}
