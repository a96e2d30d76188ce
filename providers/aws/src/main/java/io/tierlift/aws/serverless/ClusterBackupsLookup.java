package io.tierlift.aws.serverless;

import io.tierlift.aws.rds.AutomatedBackups;

import java.util.Optional;

/** The automated backups of the Aurora cluster a stack holds, for status; an interface so the deployer can be tested without RDS. */
public interface ClusterBackupsLookup {
    /** Empty when the stack holds no cluster or the cluster does not exist. */
    Optional<AutomatedBackups> describe(String region, String stackName);
}
