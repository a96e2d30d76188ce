package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;
import io.tierlift.model.Role;

import java.util.List;
import java.util.Optional;

/**
 * The database can be brought back to a moment before a mistake: the descriptor asks for backups,
 * and every database host archives its WAL to the repository. A standby is no backup: it replays a
 * DROP TABLE within a second.
 */
final class DatabaseBackupsRule extends OnpremRule {
    DatabaseBackupsRule() {
        super("onprem.database-backups", Severity.MEDIUM, "the database has backups and continuous WAL archiving",
                "add database.backup (a repository key reference) and a host with the backup role (docs/guides/backup-restore.md)");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        if (files.app().database().backup().isEmpty()) {
            findings.add(finding(Where.descriptor("database.backup"),
                    "no backups: a DROP TABLE or a bad migration reaches the standby within a second and nothing brings the rows back"));
            return;
        }
        for (Host host : files.hosts()) {
            if (!host.has(Role.DB_PRIMARY) && !host.has(Role.DB_STANDBY)) {
                continue;
            }
            Optional<OnpremFiles.Line> mode = files.postgresSetting(host.name(), "archive_mode");
            Optional<OnpremFiles.Line> command = files.postgresSetting(host.name(), "archive_command");
            if (mode.map(OnpremFiles::settingValue).filter("on"::equals).isEmpty()) {
                findings.add(finding(Where.host(host.name()), "archive_mode is not on: WAL is not archived, so no point in time can be restored"));
            } else if (command.map(OnpremFiles::settingValue).filter(c -> c.contains("archive-push")).isEmpty()) {
                findings.add(at(host.name(), mode.orElseThrow(), "archive_command does not push WAL to the pgBackRest repository"));
            }
        }
    }
}
