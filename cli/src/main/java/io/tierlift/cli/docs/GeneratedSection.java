package io.tierlift.cli.docs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A part of a hand-written Markdown file that is generated from the code, between
 * {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->}. The prose around it stays hand-written;
 * a test fails when the generated part differs from what the code says today.
 */
public record GeneratedSection(String name) {
    public String begin() {
        return "<!-- generated:" + name + " (do not edit: regenerate with mvn -pl cli test -Dtest=GeneratedDocsTest -Ddocs.update=true) -->";
    }

    public String end() {
        return "<!-- end:" + name + " -->";
    }

    /** The text between the markers, or an exception naming the missing marker. */
    public String read(String document) {
        Matcher m = pattern().matcher(document);
        if (!m.find()) {
            throw new IllegalArgumentException("no section '" + name + "' between " + begin() + " and " + end());
        }
        return m.group(1);
    }

    /** The document with the section's body replaced by {@code body}. */
    public String replace(String document, String body) {
        Matcher m = pattern().matcher(document);
        if (!m.find()) {
            throw new IllegalArgumentException("no section '" + name + "' between " + begin() + " and " + end());
        }
        return document.substring(0, m.start(1)) + "\n" + body + document.substring(m.end(1));
    }

    private Pattern pattern() {
        return Pattern.compile(Pattern.quote(begin()) + "(.*?)" + Pattern.quote(end()), Pattern.DOTALL);
    }
}
