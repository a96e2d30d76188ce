package io.tierlift.render.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;

import java.util.Map;

/**
 * The two data-stack parameters with which CloudFormation itself makes the database a point-in-time
 * restore of another: the source (an RDS instance's resource id, an Aurora cluster's identifier) and
 * the time. Both are empty for a database made empty, as on the first deploy; {@code restore} sets
 * them, which makes CloudFormation replace the database with the restored one; every later deploy keeps
 * the values the live stack has (deploy-time values {@link #SOURCE_VALUE} and {@link #TIME_VALUE}),
 * since a change to either would replace the database again.
 *
 * <p>A restored database takes its master user, its database name and its encryption from the source:
 * AWS refuses those properties together with a restore source, so they are left out when restoring.
 */
public record PointInTimeRestore(String sourceParameter, String sourceDescription, String sourcePattern, String timeParameter) {
    /** An RDS instance: RestoreTime and SourceDbiResourceId (which, unlike SourceDBInstanceIdentifier, never means a read replica). */
    public static final PointInTimeRestore RDS_INSTANCE = new PointInTimeRestore("RestoreSourceDbiResourceId",
            "Resource id (db-...) of the RDS instance this one was restored from; empty for a database made empty",
            "^(db-[A-Za-z0-9]{1,64})?$", "RestoreTime");
    /** An Aurora cluster: RestoreToTime and SourceDBClusterIdentifier. */
    public static final PointInTimeRestore AURORA_CLUSTER = new PointInTimeRestore("RestoreSourceClusterIdentifier",
            "Identifier of the Aurora cluster this one was restored from; empty for a database made empty",
            "^([a-zA-Z](-?[a-zA-Z0-9]){0,62})?$", "RestoreToTime");
    /** True when the stack's database is a restore. */
    public static final String CONDITION = "RestoredToPointInTime";
    /** The deploy-time value of the source parameter: the live stack's, empty for a new stack. */
    public static final String SOURCE_VALUE = "restore-source";
    /** The deploy-time value of the time parameter: the live stack's, empty for a new stack. */
    public static final String TIME_VALUE = "restore-time";
    private static final String TIME_PATTERN = "^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$";

    /** Declares both parameters (empty by default), where their values come from, and {@link #CONDITION}. */
    public void addTo(CfnTemplate.Builder t, Map<String, ParameterSource> sources) {
        // No defaults: every deploy passes both (empty for a new stack), and cfn-lint would check an empty
        // default against RestoreTime's date-time format although the condition leaves it out then.
        JsonNode source = t.parameter(sourceParameter, CfnParameter.string(sourceDescription)
                .withPattern(sourcePattern, "empty, or the source database's id"));
        t.parameter(timeParameter, CfnParameter.string("The time (UTC, e.g. 2026-12-07T19:30:00Z) the database was restored to; "
                + "empty for a database made empty").withPattern(TIME_PATTERN, "empty, or a UTC time to the second"));
        String kept = "the live stack's value (set by restore), empty for a new stack";
        sources.put(sourceParameter, new ParameterSource.DeployTime(SOURCE_VALUE, kept));
        sources.put(timeParameter, new ParameterSource.DeployTime(TIME_VALUE, kept));
        t.condition(CONDITION, Fn.not(Fn.equalTo(source, "")));
    }

    /** {@code value} when the database is a restore, else the property is left out. */
    public JsonNode whenRestored(Object value) {
        return Fn.ifThen(CONDITION, value, Fn.noValue());
    }

    /** {@code value} for a database made empty; left out of a restore, which takes it from the source. */
    public JsonNode unlessRestored(Object value) {
        return Fn.ifThen(CONDITION, Fn.noValue(), value);
    }

    /** The source parameter's value for {@code sourceId}, the time parameter's for {@code time} (to the second, UTC). */
    public Map<String, String> values(String sourceId, java.time.Instant time) {
        return Map.of(sourceParameter, sourceId, timeParameter, time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }
}
