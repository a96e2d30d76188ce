package io.tierlift.sandbox;

import io.tierlift.sandbox.StateFile.HostRuntime;
import java.util.ArrayList;
import java.util.Map;

/**
 * Keeps the per-host runtime facts of a sandbox being brought up and writes them to state.json whenever one changes,
 * so a crash at any point leaves enough for {@code down}. Hosts start in parallel, hence the synchronization.
 */
final class RuntimeRecorder {
    private final StateStore store;
    private final SandboxSpec spec;
    private final Map<String, HostRuntime> runtimes;

    RuntimeRecorder(StateStore store, SandboxSpec spec, Map<String, HostRuntime> runtimes) {
        this.store = store;
        this.spec = spec;
        this.runtimes = runtimes;
    }

    synchronized HostRuntime get(String name) {
        return runtimes.get(name);
    }

    synchronized void update(HostRuntime runtime) {
        runtimes.put(runtime.name(), runtime);
        save();
    }

    synchronized StateFile save() {
        StateFile state = new StateFile(StateFile.VERSION, spec, new ArrayList<>(runtimes.values()));
        store.write(state);
        return state;
    }
}
