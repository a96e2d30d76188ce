package io.tierlift.render.engine;

/** A template could not be rendered: a bug in tierlift, not in the descriptor. */
public class TemplateRenderException extends RuntimeException {
    public TemplateRenderException(String templateName, Throwable cause) {
        super("rendering " + templateName + " failed: " + cause.getMessage(), cause);
    }
}
