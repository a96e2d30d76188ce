package io.tierlift.cli;

import io.tierlift.provider.Target;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Collectors;

/** Parses {@code onprem | aws-iaas | aws-serverless} and lists them for completion. */
public final class TargetConverter implements CommandLine.ITypeConverter<Target>, Iterable<String> {
    @Override
    public Target convert(String value) {
        return Target.fromKey(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "unknown target '" + value + "'; expected one of: " + names()));
    }

    static String names() {
        return Arrays.stream(Target.values()).map(Target::key).collect(Collectors.joining(", "));
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(Target.values()).map(Target::key).iterator();
    }
}
