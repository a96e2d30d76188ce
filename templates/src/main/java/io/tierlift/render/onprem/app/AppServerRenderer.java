package io.tierlift.render.onprem.app;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.render.onprem.HostFile;
import io.tierlift.render.onprem.HostRoleRenderer;
import io.tierlift.render.onprem.OnpremScope;
import io.tierlift.render.onprem.firewall.SourceAddresses;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Files of an app host: Gunicorn's settings, the environment file with the database URLs and
 * the app's variables, the envexec.py launcher and the systemd unit that ties them together.
 */
public final class AppServerRenderer implements HostRoleRenderer {
    static final String GUNICORN_TEMPLATE = GunicornConfig.TEMPLATE;
    static final String UNIT_TEMPLATE = "onprem/app/api.service.unit.ftl";
    /**
     * Seconds an idle keep-alive connection from the proxy is held. Short on purpose: with the
     * default sync workers Gunicorn closes after each response anyway, and with threaded or async
     * workers an idle connection holds a worker slot.
     */
    static final int KEEPALIVE_SECONDS = 5;
    /** systemd waits this much longer than Gunicorn's graceful timeout before it kills. */
    static final long STOP_MARGIN_SECONDS = 5;

    private final TemplateEngine engine;
    private final AppEnvironment environment;
    private final BundledFiles bundled;
    private final SourceAddresses addresses;

    public AppServerRenderer(TemplateEngine engine) {
        this(engine, new AppEnvironment(new DatabaseUrls()), new BundledFiles(), new SourceAddresses());
    }

    public AppServerRenderer(TemplateEngine engine, AppEnvironment environment, BundledFiles bundled,
                             SourceAddresses addresses) {
        this.engine = engine;
        this.environment = environment;
        this.bundled = bundled;
        this.addresses = addresses;
    }

    @Override
    public List<RenderedFile> render(OnpremScope scope) {
        if (!scope.host().has(Role.APP)) {
            return List.of();
        }
        AppLayout layout = layout(scope.app(), scope.target());
        Map<String, String> variables = environment.variables(scope.app(), scope.target(), scope.secrets());
        return List.of(
                HostFile.config(scope, layout.gunicornConfig(), engine.render(GUNICORN_TEMPLATE, gunicorn(scope, layout))),
                HostFile.of(scope, layout.environmentFile(), environment.toJson(variables), 0640, "root",
                        layout.serviceUser(), true),
                HostFile.of(scope, AppLayout.ENVEXEC, bundled.envexec(), 0755, "root", "root", false),
                HostFile.config(scope, layout.unitFile(), engine.render(UNIT_TEMPLATE, unit(scope.app(), layout))));
    }

    public AppLayout layout(AppDescriptor app, OnpremTarget target) {
        return new AppLayout(app.app(), target.appRoot());
    }

    /** The command the deployer runs on hosts without systemd; the unit runs the same one. */
    public AppServiceCommand serviceCommand(AppDescriptor app, OnpremTarget target) {
        return layout(app, target).serviceCommand();
    }

    GunicornConfig gunicorn(OnpremScope scope, AppLayout layout) {
        Backend backend = scope.app().backend();
        Host host = scope.host();
        // Only the proxies may tell Gunicorn the client's address and scheme through X-Forwarded-*.
        String proxies = String.join(",", scope.target().hostsWith(Role.PROXY).stream()
                .map(p -> addresses.address(p, "Gunicorn's forwarded_allow_ips"))
                .toList());
        var workers = host.workers().or(backend::workers);
        return new GunicornConfig(scope.app().app(), host.address(), backend.port(), workers.isPresent(),
                workers.orElse(0), seconds(backend.timeout()), seconds(backend.gracefulTimeout()), KEEPALIVE_SECONDS,
                layout.logDir() + "/access.log", layout.logDir() + "/error.log", proxies, proxies,
                layout.pidFile(), layout.controlSocket(), backend.wsgi(), layout.backendDir(), layout.environmentFile());
    }

    ApiUnit unit(AppDescriptor app, AppLayout layout) {
        return new ApiUnit(app.app(), layout.serviceUser(), layout.serviceUser(), layout.serviceCommand().serviceArgv(),
                app.app(), app.app(), layout.logDir(),
                seconds(app.backend().gracefulTimeout()) + STOP_MARGIN_SECONDS);
    }

    /** Whole seconds, rounded up: Gunicorn and systemd take seconds, and 0 would mean "no limit". */
    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
