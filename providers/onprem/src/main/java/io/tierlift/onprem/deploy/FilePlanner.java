package io.tierlift.onprem.deploy;

import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import io.tierlift.plan.UnifiedDiff;
import io.tierlift.provider.RenderedFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compares the files a host should have with what it has (the facts), as pyinfra's operations do:
 * nothing to do when checksum, mode and owner match. Diffs are of the masked rendering against the
 * live file, so secret values never reach a plan; sensitive files show no diff at all.
 */
public final class FilePlanner {
    private final UnifiedDiff differ = new UnifiedDiff();

    public record Result(List<FileChange> changes, List<PlannedChange> planned) {
    }

    /**
     * @param wanted      path → file with real values (for checksums and placement)
     * @param masked      path → the same file with stand-ins (for diffs); asked for only when a file changed
     * @param liveContent reads the live text of a changed, non-sensitive file (one round trip each)
     */
    public Result plan(String app, String appRoot, HostState state, Map<String, RenderedFile> wanted,
                       Supplier<Map<String, RenderedFile>> masked, Function<String, Optional<String>> liveContent) {
        List<FileChange> changes = new ArrayList<>();
        List<PlannedChange> planned = new ArrayList<>();
        for (Map.Entry<String, RenderedFile> entry : wanted.entrySet()) {
            String path = entry.getKey();
            RenderedFile file = entry.getValue();
            FileFact fact = state.file(path);
            String address = "onprem." + state.host() + ".file:" + path;
            Action action;
            String why;
            if (!fact.exists()) {
                action = Action.CREATE;
                why = "new file, " + file.content().length + " bytes, mode " + Integer.toOctalString(file.mode());
            } else if (!fact.sha256().orElse("").equals(file.sha256())) {
                action = Action.UPDATE;
                why = "content differs";
            } else if (fact.mode() != file.mode() || !fact.owner().equals(file.owner()) || !fact.group().equals(file.group())) {
                action = Action.UPDATE;
                why = "mode/owner " + Integer.toOctalString(fact.mode()) + " " + fact.owner() + ":" + fact.group()
                        + " → " + Integer.toOctalString(file.mode()) + " " + file.owner() + ":" + file.group();
            } else {
                planned.add(PlannedChange.of(address, "file", Action.NO_OP, "unchanged"));
                continue;
            }
            RenderedFile maskedFile = masked.get().getOrDefault(path, file);
            ManagedService service = ManagedService.of(path, app, appRoot);
            changes.add(new FileChange(state.host(), path, action, file, maskedFile, service, why));
            Optional<String> diff = Optional.empty();
            if (file.sensitive()) {
                why = why + " (sensitive: content not shown)";
            } else if (action == Action.CREATE) {
                diff = Optional.of(differ.diff(path, "", maskedFile.contentAsText()));
            } else if (why.equals("content differs")) {
                diff = liveContent.apply(path).map(live -> differ.diff(path, live, maskedFile.contentAsText()));
            }
            planned.add(new PlannedChange(address, "file", action, why, diff, List.of(), false));
        }
        return new Result(changes, planned);
    }
}
