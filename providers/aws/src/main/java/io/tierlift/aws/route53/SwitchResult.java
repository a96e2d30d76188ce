package io.tierlift.aws.route53;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one switch did: the changes sent ("UPSERT A notes.example.com. -> ..."), the change's id
 * and its last status (INSYNC once every Route 53 name server answers the new records). No change
 * id when the records already pointed where asked.
 */
public record SwitchResult(String name, List<String> changes, Optional<String> changeId, String status, Duration waited) {
    public SwitchResult {
        changes = List.copyOf(changes);
    }

    public boolean changed() {
        return changeId.isPresent();
    }

    public boolean inSync() {
        return "INSYNC".equals(status);
    }
}
