package io.tierlift.plan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Plans as JSON: for {@code --output json} and for plan files given back to {@code deploy --plan}. */
public final class PlanJson {
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public String write(Plan plan) {
        try {
            return mapper.writeValueAsString(plan);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Plan read(String json) {
        try {
            return mapper.readValue(json, Plan.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a tierlift plan file: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
