import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LakeCommonProps } from '../lake-settings';

/**
 * Settings of the ETL workflow (user options of {@link EtlOrchestration}).
 */
export interface EtlOrchestrationOptions {
  /**
   * Logical prefix of the state names, which read `{Env}{prefix}CollectGlueJobTask` and so on
   * (InsuranceLake's `LOGICAL_ID_PREFIX`).
   * @default 'InsuranceLake'
   */
  readonly logicalIdPrefix?: string;
  /**
   * E-mail addresses subscribed to the notification topic (each gets a confirmation mail).
   * @default - no e-mail subscription
   */
  readonly notificationEmails?: string[];
  /**
   * Create the dependency-trigger Lambda and its topic subscription, which start workflows queued by
   * a `<DB>-<TBL>-dependent.json` once their dependency succeeds.
   * @default true
   */
  readonly dependencyHandling?: boolean;
  /**
   * Subscribe the trigger Lambda to the Collect bucket's ObjectCreated events (all keys, no filter).
   * Switch it off when another owner manages that bucket's notifications and wires the trigger itself.
   * @default true
   */
  readonly collectNotification?: boolean;
  /**
   * Literal arguments added to the cleanse-to-consume task, e.g. `--redshift_database` and
   * `--redshift_workgroup_name` (or `--redshift_cluster_id`) for Redshift SQL.
   * @default - none
   */
  readonly cleanseTaskExtraArguments?: { [key: string]: string };
  /**
   * Timeout of the three Lambda functions.
   * @default Duration.seconds(10)
   */
  readonly lambdaTimeout?: Duration;
  /**
   * Memory of the three Lambda functions, in MB.
   * @default 128
   */
  readonly lambdaMemorySize?: number;
  /**
   * Reserved concurrency of each of the three Lambda functions.
   * @default - unreserved
   */
  readonly lambdaReservedConcurrency?: number;
  /**
   * Retention of the state-machine and Lambda log groups (in {@link InsuranceLake}, also of the
   * configuration deployment's log group).
   * @default - one month for the DEV profile, six months otherwise
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Publish the "Job Completed" / "Job Failed" notifications to this topic instead of creating one.
   * The state machine's role gets `sns:Publish` on it (and `kms:GenerateDataKey`/`kms:Decrypt` on
   * its `masterKey`, when the topic object carries one); the dependency trigger and
   * `notificationEmails` subscribe to it. If the topic is encrypted, its key policy must let SNS
   * use the key to deliver to the Lambda subscriber.
   * @default - a topic `{env}-{prefix}-etl-notification-topic` encrypted with the lake key
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * Properties of {@link EtlOrchestration}: the lake's resources the workflow uses, and its settings.
 */
export interface EtlOrchestrationProps extends LakeCommonProps, EtlOrchestrationOptions {
  /** The lake key: encrypts the created topic, the dead-letter queue and the log groups. */
  readonly encryptionKey: kms.IKey;
  /** Collect bucket: every object created in it starts (or queues) a workflow. */
  readonly collectBucket: s3.IBucket;
  /** ETL scripts bucket: the trigger reads `etl/transformation-spec/<DB>-entitymatch.json` and `<DB>-<TBL>-dependent.json` there. */
  readonly etlScriptsBucket: s3.IBucket;
  /** Job audit table (partition key `execution_id`, with the two reference indexes). */
  readonly jobAuditTable: dynamodb.ITable;
  /** The collect-to-cleanse Glue job. */
  readonly collectToCleanseJob: glue.IJob;
  /** The cleanse-to-consume Glue job. */
  readonly cleanseToConsumeJob: glue.IJob;
  /**
   * The consume entity-match Glue job. Without it the workflow has no entity-match branch and the
   * `entity_match` input field is ignored.
   * @default - no entity-match branch
   */
  readonly consumeEntityMatchJob?: glue.IJob;
}
