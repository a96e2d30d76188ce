package io.tierlift.render.engine;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.ConditionalTemplateConfigurationFactory;
import freemarker.cache.FileNameGlobMatcher;
import freemarker.cache.FirstMatchTemplateConfigurationFactory;
import freemarker.core.TemplateClassResolver;
import freemarker.core.TemplateConfiguration;
import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.TimeZone;

/**
 * FreeMarker set up strictly: a missing value is an error (never an empty string), errors are
 * thrown rather than printed into the output, {@code ?new} and {@code ?api} are off, and every
 * interpolation is escaped for the file's syntax, chosen from the template's name.
 */
public final class FreemarkerEngine implements TemplateEngine {
    private static final String ROOT = "/io/tierlift/templates";
    private final Configuration configuration;

    public FreemarkerEngine() {
        configuration = new Configuration(Configuration.VERSION_2_3_34);
        configuration.setTemplateLoader(new ClassTemplateLoader(FreemarkerEngine.class, ROOT));
        configuration.setDefaultEncoding("UTF-8");
        configuration.setLocale(Locale.ROOT);
        configuration.setTimeZone(TimeZone.getTimeZone("UTC"));
        configuration.setNumberFormat("c");
        configuration.setBooleanFormat("c");
        configuration.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        configuration.setLogTemplateExceptions(false);
        configuration.setWrapUncheckedExceptions(true);
        configuration.setFallbackOnNullLoopVariable(false);
        configuration.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        configuration.setAPIBuiltinEnabled(false);
        configuration.setLocalizedLookup(false);
        configuration.setWhitespaceStripping(true);
        DefaultObjectWrapperBuilder wrapper = new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_34);
        wrapper.setExposeFields(false);
        configuration.setObjectWrapper(wrapper.build());
        configuration.setTemplateConfigurations(new FirstMatchTemplateConfigurationFactory(
                Arrays.stream(ConfigSyntax.values()).map(FreemarkerEngine::forSyntax)
                        .toArray(ConditionalTemplateConfigurationFactory[]::new))
                .allowNoMatch(false)
                .noMatchErrorDetails("template names must end in .<syntax>.ftl (nginx, modsec, pg, hba, py, unit, pgbr, nft, txt)"));
    }

    private static ConditionalTemplateConfigurationFactory forSyntax(ConfigSyntax syntax) {
        TemplateConfiguration tc = new TemplateConfiguration();
        tc.setOutputFormat(new EscapingOutputFormat(syntax));
        tc.setAutoEscapingPolicy(Configuration.FORCE_AUTO_ESCAPING_POLICY);
        return new ConditionalTemplateConfigurationFactory(new FileNameGlobMatcher("*." + syntax.extension() + ".ftl"), tc);
    }

    @Override
    public String render(String templateName, Object viewModel) {
        try {
            Template template = configuration.getTemplate(templateName);
            StringWriter out = new StringWriter();
            template.process(viewModel, out);
            return out.toString();
        } catch (UnsafeValueException e) {
            throw e;
        } catch (TemplateException e) {
            if (e.getCause() instanceof UnsafeValueException unsafe) {
                throw unsafe;
            }
            throw new TemplateRenderException(templateName, e);
        } catch (IOException e) {
            throw new TemplateRenderException(templateName, e);
        }
    }
}
