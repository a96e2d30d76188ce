package io.tierlift.sandbox;

import io.tierlift.sandbox.StateFile.HostRuntime;
import io.tierlift.sandbox.StateFile.MachineRuntime;
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
    private MachineRuntime machines;

    RuntimeRecorder(StateStore store, SandboxSpec spec, Map<String, HostRuntime> runtimes, MachineRuntime machines) {
        this.store = store;
        this.spec = spec;
        this.runtimes = runtimes;
        this.machines = machines;
    }

    /** Records the machine sandbox's package cache process as soon as it is started. */
    synchronized void updateMachines(MachineRuntime runtime) {
        machines = runtime;
        save();
    }

    synchronized MachineRuntime machines() {
        return machines;
    }

    synchronized HostRuntime get(String name) {
        return runtimes.get(name);
    }

    synchronized void update(HostRuntime runtime) {
        runtimes.put(runtime.name(), runtime);
        save();
    }

    synchronized StateFile save() {
        StateFile state = new StateFile(StateFile.VERSION, spec, new ArrayList<>(runtimes.values()), machines);
        store.write(state);
        return state;
    }
}
