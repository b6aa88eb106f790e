import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EtlJobs } from '../etl/etl-jobs';
import { LakeCommonProps } from '../lake-common-props';
import { EtlOrchestration } from '../orchestration/etl-orchestration';
import { EtlTables } from '../tables/etl-tables';

/**
 * Settings of the lake's monitoring (user options of {@link LakeMonitoring}).
 */
export interface LakeMonitoringOptions {
  /**
   * Create the CloudWatch dashboard (executions, files and rows per table, durations, failures).
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Name of the dashboard.
   * @default `{env}-{prefix}-pipeline`
   */
  readonly dashboardName?: string;
  /**
   * Period over which each alarm counts failures, errors, throttles and dead letters; an alarm
   * fires on the first one in a period.
   * @default Duration.minutes(5)
   */
  readonly alarmPeriod?: Duration;
}

/**
 * Properties of {@link LakeMonitoring}: the lake's parts it watches, and its settings.
 */
export interface LakeMonitoringProps extends LakeCommonProps, LakeMonitoringOptions {
  /** The workflow: its state machine, Lambdas, dead-letter queue and notification topic. */
  readonly orchestration: EtlOrchestration;
  /** The Glue jobs. */
  readonly jobs: EtlJobs;
  /** The DynamoDB tables. */
  readonly tables: EtlTables;
  /**
   * Topic the alarms notify (on ALARM).
   * @default - the orchestration's notification topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * The key that encrypts the alarm topic: its key policy is given a statement that lets
   * CloudWatch (`cloudwatch.amazonaws.com`, this account) use it, without which encrypted topics
   * drop alarm notifications. Only a key created in this app can be changed so; for any other key,
   * add that statement to its policy yourself.
   * @default - the key policy is not changed
   */
  readonly alarmTopicKey?: kms.IKey;
}
