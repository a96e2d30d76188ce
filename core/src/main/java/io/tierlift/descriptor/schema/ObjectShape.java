package io.tierlift.descriptor.schema;

import java.util.List;
import java.util.Optional;

/** A mapping with a fixed set of keys; any other key is an error with a "did you mean". */
public record ObjectShape(String description, List<Field> fields) implements Shape {
    public ObjectShape {
        fields = List.copyOf(fields);
    }

    public Optional<Field> field(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).findFirst();
    }

    public List<String> keys() {
        return fields.stream().map(Field::key).toList();
    }
}
