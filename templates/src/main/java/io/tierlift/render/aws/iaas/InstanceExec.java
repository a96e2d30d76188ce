package io.tierlift.render.aws.iaas;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code tierlift exec} runs on an app instance, as root (SSM Run Command runs its scripts so):
 * the record of the exec written first (the command's standard error, which Run Command sends to
 * the app's log group), then the start script's exec entry as the service user, with the service's
 * boot environment, so the command gets the environment Gunicorn gets, in the live release folder.
 * An argv: the caller quotes it for the shell with the project's one quoting rule.
 */
public final class InstanceExec {
    /** Fixed: every value reaches it as a positional parameter. */
    static final String SCRIPT = String.join("\n",
            "bootenv=$1; user=$2; python=$3; launcher=$4; record=$5; shift 5",
            "printf '%s\\n' \"$record\" >&2",
            "set -a; . \"$bootenv\" || exit 70; set +a",
            "exec runuser -u \"$user\" -- \"$python\" \"$launcher\" exec -- \"$@\"");

    private InstanceExec() {
    }

    /** {@code command} for app {@code app}, preceded by the line {@code record} on standard error. */
    public static List<String> argv(String app, String record, List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        UserData.Layout layout = new UserData.Layout(app);
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SCRIPT, "tierlift", layout.bootEnvFile(), app,
                layout.venv() + "/bin/python", layout.launcher(), record));
        argv.addAll(command);
        return argv;
    }
}
