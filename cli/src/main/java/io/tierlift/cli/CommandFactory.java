package io.tierlift.cli;

import picocli.CommandLine;

import java.lang.reflect.Constructor;

/** Builds commands, handing the {@link Application} to those whose constructor asks for it. */
final class CommandFactory implements CommandLine.IFactory {
    private final Application application;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(Application application) {
        this.application = application;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == 1 && parameters[0] == Application.class) {
                constructor.setAccessible(true);
                return type.cast(constructor.newInstance(application));
            }
        }
        return fallback.create(type);
    }
}
