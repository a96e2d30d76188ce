package io.tierlift.onprem.logs;

import io.tierlift.onprem.command.RemoteCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one command per host that reads its logs: each log's newest bytes (a rotated file's first),
 * each line tagged {@code tN<TAB>} with the log's index, after a first line {@code OFFSET +hhmm}
 * with the host's UTC offset (for logs that print local times). Following, it keeps reading until
 * its standard input closes, then ends every process it started ({@code kill 0}: its process group
 * holds nothing else), so no tail is left on the host.
 */
final class LogCommand {
    /** The newest bytes read of each file: enough for hours of a busy host, never a month of logs. */
    static final long MOST_BYTES_PER_FILE = 4L * 1024 * 1024;

    private static final String SCRIPT = String.join("\n",
            "follow=$1; since=$2; cap=$3; shift 3",
            "echo \"OFFSET $(date +%z)\"",
            "journal=; [ -d /run/systemd/system ] && command -v journalctl >/dev/null 2>&1 && journal=yes",
            "while [ $# -ge 3 ]; do",
            // the tag is tN, made by tierlift: safe inside the sed expression
            "  tag=$1; kind=$2; path=$3; shift 3",
            "  if [ \"$kind\" = journal ]; then",
            "    [ -n \"$journal\" ] || continue",
            "    if [ \"$follow\" = yes ]; then",
            "      journalctl -q --no-pager -o short-iso-precise --since \"@$since\" -f -u \"$path\" 2>/dev/null | sed -u \"s/^/$tag\\t/\" &",
            "    else",
            "      journalctl -q --no-pager -o short-iso-precise --since \"@$since\" -u \"$path\" 2>/dev/null | sed \"s/^/$tag\\t/\"",
            "    fi",
            "    continue",
            "  fi",
            "  [ -f \"$path.1\" ] && tail -c \"$cap\" -- \"$path.1\" | sed \"s/^/$tag\\t/\"",
            "  if [ \"$follow\" = yes ]; then",
            "    tail -c \"$cap\" -F -- \"$path\" 2>/dev/null | sed -u \"s/^/$tag\\t/\" &",
            "  elif [ -f \"$path\" ]; then",
            "    tail -c \"$cap\" -- \"$path\" | sed \"s/^/$tag\\t/\"",
            "  fi",
            "done",
            "if [ \"$follow\" = yes ]; then",
            "  echo READY",
            // tierlift closes this command's input when it stops following
            "  while read -r _; do :; done",
            "  trap '' TERM",
            "  kill -TERM 0",
            "fi",
            "true");

    private LogCommand() {
    }

    static RemoteCommand of(List<LogTails.Tail> tails, Instant since, boolean follow) {
        List<String> parameters = new ArrayList<>(List.of(follow ? "yes" : "no", Long.toString(since.getEpochSecond()),
                Long.toString(MOST_BYTES_PER_FILE)));
        for (int i = 0; i < tails.size(); i++) {
            LogTails.Tail tail = tails.get(i);
            parameters.addAll(List.of(tag(i), tail.source() == LogSource.JOURNAL ? "journal" : "file", tail.path()));
        }
        return RemoteCommand.script(SCRIPT, parameters.toArray(String[]::new));
    }

    static String tag(int index) {
        return "t" + index;
    }
}
