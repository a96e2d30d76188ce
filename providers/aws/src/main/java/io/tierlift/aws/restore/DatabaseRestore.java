package io.tierlift.aws.restore;

import io.tierlift.aws.StackSet;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.ReplacementConsent;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.cloudformation.StackPolicy;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.journal.JournalFile;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.cfn.DatabaseStackPolicy;
import io.tierlift.tier.RestoreOutcome;
import io.tierlift.tier.RestorePoint;
import io.tierlift.tier.RestorePreview;
import io.tierlift.tier.RestoreRequest;
import io.tierlift.tier.RestoreTarget;
import software.amazon.awssdk.services.cloudformation.model.Capability;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A point-in-time restore on an AWS tier, made by CloudFormation itself, into a new database beside the
 * old one.
 *
 * <p>Why CloudFormation makes the restored database rather than an RDS API call: the data stack sets
 * its database's restore properties from two parameters ({@code PointInTimeRestore}). Setting them
 * makes CloudFormation replace the database with a restore of the live one (RestoreDBInstanceToPointInTime
 * or RestoreDBClusterToPointInTime behind the scenes), created with every property of the template, so
 * the restore has the class, subnet group, security group, parameter group, Multi-AZ, deletion
 * protection and backups the descriptor asks for — what a bare API restore does not carry over (it
 * gets the default security group and parameter group) — and waits until it is available. The
 * stack then owns the database the app uses, its outputs move to it, and every stack that takes them
 * (the compute or api stack: endpoint, master secret, proxy target) follows with an ordinary deploy;
 * nothing is left that CloudFormation does not know of, so no drift. The old database is the
 * replaced resource, which the template's UpdateReplacePolicy Retain keeps, untouched, outside the
 * stack until {@code --finalize} deletes it with a final snapshot. An API restore followed by an
 * endpoint parameter would instead leave the stack owning a database nobody uses and the app on one
 * no stack owns. The stack policy that forbids replacing the database is lifted for that one change
 * set only (as {@code deploy --allow-database-replacement} does) and set again right after.
 *
 * <p>Passwords: the restored database starts with the source's master password as it was at that
 * time, and RDS manages it in a secret as the template asks ({@code ManageMasterUserPassword}); the
 * stack's master-secret output names the restored database's secret, which the stacks that use it
 * take. The app's own role is part of the restored data, with the password its secret (unchanged)
 * holds, so the app connects as before.
 *
 * <p>Steps, each written to the journal once done: the old database and the restore source recorded;
 * the data stack updated (the restore); the stacks switched by a deploy. Asked again with the same
 * point, the restore continues after its last step; another point is refused while one is open.
 */
public final class DatabaseRestore {
    private static final String CONSENT_FLAG = "restore";
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String target;
    private final StackPlan plan;
    private final RestorableDatabase database;
    private final StackDeployer stacks;
    private final Runnable switchStacks;
    private final String switchDescription;
    private final Progress progress;
    private final Clock clock;

    /**
     * {@code switchStacks} deploys the tier, which moves the stacks that use the database to the data
     * stack's new outputs; {@code switchDescription} says what it changes, for the preview.
     */
    public DatabaseRestore(String target, StackPlan plan, RestorableDatabase database, StackDeployer stacks, Runnable switchStacks,
                           String switchDescription, Progress progress, Clock clock) {
        this.target = target;
        this.plan = plan;
        this.database = database;
        this.stacks = stacks;
        this.switchStacks = switchStacks;
        this.switchDescription = switchDescription;
        this.progress = progress;
        this.clock = clock;
    }

    public RestorePreview preview(RestoreRequest request) {
        Optional<RestoreJournal> open = openJournal(request);
        RestoreJournal journal = open.orElseGet(() -> begin(request));
        String kind = database.kind();
        List<String> actions = new ArrayList<>();
        if (journal.phase() == RestoreJournal.Phase.STARTED) {
            actions.add("set the data stack " + data().name() + "'s " + database.parameters().sourceParameter() + " to "
                    + journal.source() + " (" + kind + " " + journal.oldDatabase() + ") and " + database.parameters().timeParameter()
                    + " to " + journal.time() + ": CloudFormation makes a new " + kind + " restored to that time, with the template's "
                    + "settings, waits until it is available and moves the stack's outputs to it (the stack policy lifted for "
                    + "this one change set)");
        }
        if (journal.phase() != RestoreJournal.Phase.SWITCHED) {
            actions.add(switchDescription);
        }
        actions.add("keep " + kind + " " + journal.oldDatabase() + ", unchanged, outside the stack until restore --finalize deletes "
                + "it with a final snapshot");
        List<String> warnings = List.of("transactions committed after " + journal.time() + " are not in the restored database; "
                + "they stay in " + kind + " " + journal.oldDatabase() + " until restore --finalize");
        return new RestorePreview(actions, warnings, open.isPresent());
    }

    public RestoreOutcome restore(RestoreRequest request) {
        JournalFile<RestoreJournal> file = new JournalFile<>(request.journal(), RestoreJournal.class);
        RestoreJournal journal = openJournal(request).orElseGet(() -> {
            RestoreJournal begun = begin(request);
            file.write(begun);
            return begun;
        });
        List<String> done = new ArrayList<>();
        if (journal.phase() == RestoreJournal.Phase.STARTED) {
            String restored = restoreByCloudFormation(journal);
            journal = journal.restoredInto(restored);
            file.write(journal);
            done.add("restored " + database.kind() + " " + journal.oldDatabase() + " to " + journal.time() + " into " + restored
                    + " (data stack " + data().name() + ")");
        }
        if (journal.phase() == RestoreJournal.Phase.RESTORED) {
            switchStacks.run();
            journal = journal.at(RestoreJournal.Phase.SWITCHED);
            file.write(journal);
            done.add("switched the app to " + journal.newDatabase().orElse("the restored database"));
        }
        if (done.isEmpty()) {
            done.add("nothing: the restore to " + journal.point() + " was complete");
        }
        return new RestoreOutcome(done, Optional.of(database.kind() + " " + journal.oldDatabase()),
                "check the app; then 'tierlift restore " + target + " --finalize' deletes " + journal.oldDatabase()
                        + " (a final snapshot is kept)");
    }

    public RestoreOutcome finalizeRestore(Path journalPath) {
        JournalFile<RestoreJournal> file = new JournalFile<>(journalPath, RestoreJournal.class);
        RestoreJournal journal = file.read().filter(RestoreJournal::open).orElseThrow(() -> new RestoreException(
                "no restore of " + target + " to finalize (" + journalPath + " holds none open); nothing was changed"));
        if (journal.phase() != RestoreJournal.Phase.SWITCHED) {
            throw new RestoreException("the restore to " + journal.point() + " is not finished (" + journal.phase() + "); run "
                    + "'tierlift restore " + target + " --to-time " + journal.point() + "' to complete it first; nothing was changed");
        }
        String snapshot = journal.oldDatabase() + "-final-" + SNAPSHOT_TIME.format(clock.instant());
        progress.step(database.kind() + " " + journal.oldDatabase(), "deleting, with the final snapshot " + snapshot);
        boolean deleted = database.deleteKept(data().region(), journal.oldDatabase(), snapshot);
        file.write(journal.at(RestoreJournal.Phase.FINALIZED));
        return new RestoreOutcome(List.of(deleted
                        ? "deleting " + database.kind() + " " + journal.oldDatabase() + "; final snapshot " + snapshot
                        : database.kind() + " " + journal.oldDatabase() + " was already gone"),
                Optional.empty(), "nothing: the restore to " + journal.point() + " is finalized");
    }

    /** The open journal for this request's point; another point open is refused, naming it. */
    private Optional<RestoreJournal> openJournal(RestoreRequest request) {
        if (request.target() != RestoreTarget.NEW) {
            throw new RestoreException(target + " restores into a new database only (--target new)");
        }
        Instant time = time(request.point());
        Optional<RestoreJournal> open = new JournalFile<>(request.journal(), RestoreJournal.class).read().filter(RestoreJournal::open);
        if (open.isPresent() && !open.get().time().equals(time)) {
            RestoreJournal other = open.get();
            throw new RestoreException("a restore of " + target + " to " + other.point() + " is open (" + other.phase() + ", journal "
                    + request.journal() + "): " + (other.phase() == RestoreJournal.Phase.SWITCHED
                    ? "finalize it first with 'tierlift restore " + target + " --finalize'"
                    : "complete it with 'tierlift restore " + target + " --to-time " + other.point() + "'") + "; nothing was changed");
        }
        return open;
    }

    /** The journal of a restore not yet begun: the live database and source, the time checked against its window. */
    private RestoreJournal begin(RestoreRequest request) {
        Instant time = time(request.point());
        StackSpec data = data();
        RestorableDatabase.Live live = database.live(data).orElseThrow(() -> new RestoreException("the data stack " + data.name()
                + " holds no " + database.kind() + " in " + data.region() + ": deploy " + target + " first; nothing was changed"));
        String kind = database.kind() + " " + live.id();
        if (live.retentionDays() == 0) {
            throw new RestoreException(kind + " has automated backups off: it cannot be restored to a point in time; nothing was changed");
        }
        Instant latest = live.latestRestorable().orElseThrow(() -> new RestoreException(kind
                + " reports no latest restorable time yet (its first backup is still being made); nothing was changed"));
        Optional<Instant> earliest = live.earliestRestorable();
        if (time.isAfter(latest) || earliest.filter(time::isBefore).isPresent()) {
            throw new RestoreException(request.point().describe() + " is outside the window " + kind + " can be restored to: "
                    + earliest.map(Instant::toString).orElse("(earliest unknown)") + " to " + latest + "; choose a time in it; "
                    + "nothing was changed");
        }
        return new RestoreJournal(target, time.toString(), time, live.id(), live.sourceId(), RestoreJournal.Phase.STARTED, Optional.empty());
    }

    /** Point-in-time restores reach a second: the time asked for, to the second. */
    private Instant time(RestorePoint point) {
        if (point instanceof RestorePoint.ToTime toTime) {
            return toTime.time().truncatedTo(ChronoUnit.SECONDS);
        }
        throw new RestoreException(target + " restores to a point in time only: use --to-time. Its automated backups reach "
                + "every second of their retention window (status shows it), every backup's moment included; there are no "
                + "backup ids to name (backup list is on-prem's). Nothing was changed");
    }

    /**
     * Updates the data stack alone to the planned template with the live stack's parameters and the two
     * restore parameters set; returns the id of the database it holds afterwards (the restored one).
     */
    private String restoreByCloudFormation(RestoreJournal journal) {
        StackSpec data = data();
        LiveStack live = stacks.status(data.name(), data.region()).filter(s -> !"DELETE_COMPLETE".equals(s.status()))
                .orElseThrow(() -> new RestoreException("the data stack " + data.name() + " does not exist any more; the restore "
                        + "cannot continue (journal kept)"));
        Map<String, String> restoreValues = database.parameters().values(journal.source(), journal.time());
        Map<String, String> parameters = new TreeMap<>();
        for (String name : data.parameters().keySet()) {
            String value = restoreValues.getOrDefault(name, live.parameters().get(name));
            if (value == null) {
                throw new RestoreException("the data stack " + data.name() + " has no parameter " + name + " yet: deploy " + target
                        + " with this version first; nothing was changed");
            }
            parameters.put(name, value);
        }
        Optional<StackPolicy> policy = DatabaseStackPolicy.of(data.template()).map(body -> StackPolicy.keeping(body,
                DatabaseStackPolicy.protectedResources(data.template())).withConsent(ReplacementConsent.by(CONSENT_FLAG, true)));
        Set<Capability> capabilities = data.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        progress.step(data.name(), "restoring " + database.kind() + " " + journal.oldDatabase() + " to " + journal.time()
                + " into a new one (CloudFormation; this takes a while)");
        stacks.deploy(new StackRequest(data.name(), data.region(), new CfnJson().write(data.template()), parameters, live.tags(),
                live.terminationProtection(), capabilities).withStackPolicy(policy));
        String restored = database.live(data).map(RestorableDatabase.Live::id).orElseThrow(() -> new RestoreException(
                "the data stack " + data.name() + " holds no " + database.kind() + " after the restore; see its events"));
        if (restored.equals(journal.oldDatabase())) {
            throw new RestoreException("the data stack " + data.name() + " still holds " + journal.oldDatabase()
                    + " after its update: CloudFormation did not replace it; see the stack's events (journal kept: run the same "
                    + "command again to retry)");
        }
        return restored;
    }

    private StackSpec data() {
        return plan.stack(StackSet.DATA_STACK);
    }
}
