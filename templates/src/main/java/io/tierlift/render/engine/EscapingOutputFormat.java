package io.tierlift.render.engine;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;

import java.io.IOException;
import java.io.Writer;

/** A FreeMarker output format that runs every ${...} through one {@link ConfigSyntax}. */
final class EscapingOutputFormat extends CommonMarkupOutputFormat<EscapingOutputFormat.Output> {
    private final ConfigSyntax syntax;

    EscapingOutputFormat(ConfigSyntax syntax) {
        this.syntax = syntax;
    }

    @Override
    public String getName() {
        return "tierlift-" + syntax.extension();
    }

    @Override
    public String getMimeType() {
        return "text/plain";
    }

    @Override
    public void output(String textToEscape, Writer out) throws IOException {
        out.write(escapePlainText(textToEscape));
    }

    @Override
    public String escapePlainText(String plainTextContent) {
        return syntax.escape(plainTextContent);
    }

    @Override
    public boolean isLegacyBuiltInBypassed(String builtInName) {
        return false;
    }

    @Override
    protected Output newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
        return new Output(plainTextContent, markupContent, this);
    }

    static final class Output extends CommonTemplateMarkupOutputModel<Output> {
        private final EscapingOutputFormat format;

        Output(String plainTextContent, String markupContent, EscapingOutputFormat format) {
            super(plainTextContent, markupContent);
            this.format = format;
        }

        @Override
        public EscapingOutputFormat getOutputFormat() {
            return format;
        }
    }
}
