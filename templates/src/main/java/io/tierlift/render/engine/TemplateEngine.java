package io.tierlift.render.engine;

/** Fills a named template with a view model. Implementations do no I/O besides reading templates. */
public interface TemplateEngine {
    String render(String templateName, Object viewModel);
}
