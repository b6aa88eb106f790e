import { CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { InsuranceLakeError } from './errors';
import { Configuration } from './etl/configuration';
import { ConsumerAccess } from './etl/consumer-access';
import { EtlJobs } from './etl/etl-jobs';
import { TableFormat } from './etl/etl-jobs-props';
import { GlueNetwork } from './etl/glue-network';
import { ConsumeGrantOptions } from './grants/consume-grant-options';
import { grantWithManagedPolicy } from './grants/grant-policy';
import { consumeGrant, startPipelineGrant, uploadGrant } from './grants/lake-grants';
import { InsuranceLakeProps } from './insurance-lake-props';
import { EnvironmentProfile } from './lake-common-props';
import { resolveLakeSettings } from './lake-settings';
import { LakeMonitoring } from './monitoring/lake-monitoring';
import { PipelineMetricOptions } from './monitoring/pipeline-metric-options';
import { DEFAULT_PERIOD, PipelineMetricKey, jobFailures, pipelineMetric } from './monitoring/pipeline-metrics';
import { EtlOrchestration } from './orchestration/etl-orchestration';
import { DataLakeStorage } from './storage/data-lake-storage';
import { EtlTables } from './tables/etl-tables';

/**
 * The complete InsuranceLake in one construct, composed of sub-constructs that can also be used on
 * their own: {@link DataLakeStorage} (KMS key; Collect, Cleanse, Consume, access-logs, ETL scripts and
 * Glue temp buckets), {@link EtlTables} (DynamoDB), {@link ConsumerAccess} (Athena workgroup,
 * consumer policy), an optional {@link GlueNetwork} (VPC connections), the deployment of the
 * {@link Configuration}, {@link EtlJobs} (Glue role, security configuration, the three PySpark jobs)
 * and {@link EtlOrchestration} (state machine, Lambdas, notifications).
 *
 * Data resources are retained when removed from the stack unless `removalPolicy` is `DESTROY`.
 *
 * @example
 * new InsuranceLake(this, 'Lake', { environmentName: 'dev', resourcePrefix: 'acme-lake', configurationPath: 'config' });
 */
export class InsuranceLake extends Construct {
  /** Environment name (first part of every physical name). */
  public readonly environmentName: string;
  /** Resource name prefix. */
  public readonly resourcePrefix: string;
  /** Behaviour profile in effect. */
  public readonly profile: EnvironmentProfile;
  /** Removal policy of the data resources. */
  public readonly removalPolicy: RemovalPolicy;
  /** Whether the entity-match job exists. */
  public readonly entityMatch: boolean;
  /** Table format the jobs write. */
  public readonly tableFormat: TableFormat;
  /** E-mail addresses for pipeline notifications. */
  public readonly notificationEmails: string[];

  /** Key, buckets and access logs. */
  public readonly storage: DataLakeStorage;
  /** DynamoDB tables of the ETL. */
  public readonly tables: EtlTables;
  /** Glue role, security configuration and jobs. */
  public readonly etl: EtlJobs;
  /** Athena workgroup and consumer policy. */
  public readonly consumers: ConsumerAccess;
  /** The Glue network connections, when `vpc` is given. */
  public readonly network?: GlueNetwork;
  /** The deployment of a local configuration folder (`configurationPath` or `Configuration.fromAsset`). */
  public readonly configurationDeployment?: s3deploy.BucketDeployment;

  /** The lake key. */
  public readonly encryptionKey: kms.IKey;
  /** Collect bucket (raw files; new objects start the pipeline). */
  public readonly collectBucket: s3.IBucket;
  /** Cleanse bucket. */
  public readonly cleanseBucket: s3.IBucket;
  /** Consume bucket. */
  public readonly consumeBucket: s3.IBucket;
  /** Access-logs bucket. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The bucket that holds the configuration under `etl/…` (the ETL scripts bucket, or the `Configuration.fromBucket` bucket). */
  public readonly etlScriptsBucket: s3.IBucket;
  /** Glue temp bucket. */
  public readonly glueTempBucket: s3.IBucket;
  /** Job audit table (written by the orchestration). */
  public readonly jobAuditTable: dynamodb.ITable;
  /** Value lookup table. */
  public readonly valueLookupTable: dynamodb.ITable;
  /** Multi-value lookup table. */
  public readonly multiLookupTable: dynamodb.ITable;
  /** Hash values table. */
  public readonly hashValuesTable: dynamodb.ITable;
  /** DQ results table. */
  public readonly dqResultsTable: dynamodb.ITable;
  /** Data lineage table, when lineage is on. */
  public readonly dataLineageTable?: dynamodb.ITable;
  /** Role of the Glue jobs. */
  public readonly glueRole: iam.IRole;
  /** Collect → Cleanse job. */
  public readonly collectToCleanseJob: glue.IJob;
  /** Cleanse → Consume job. */
  public readonly cleanseToConsumeJob: glue.IJob;
  /** Consume entity-match job, when `entityMatch` is on. */
  public readonly consumeEntityMatchJob?: glue.IJob;
  /** Name of the Athena workgroup. */
  public readonly athenaWorkgroupName: string;
  /** Consumer managed policy, unless switched off. */
  public readonly consumerPolicy?: iam.IManagedPolicy;
  /** The orchestration sub-construct (state machine, Lambdas, topic, Collect notification). */
  public readonly orchestration: EtlOrchestration;
  /** The ETL state machine. */
  public readonly stateMachine: sfn.IStateMachine;
  /** Notification topic ("Job Completed" / "Job Failed", attribute `status`). */
  public readonly notificationTopic: sns.ITopic;
  /** The Collect-bucket trigger Lambda. */
  public readonly triggerFunction: lambda.IFunction;
  /** The job-auditor Lambda. */
  public readonly jobAuditorFunction: lambda.IFunction;
  /** The dependency-trigger Lambda. */
  public readonly dependencyTriggerFunction?: lambda.IFunction;
  /** Alarms and dashboard, unless `monitoring` is off. */
  public readonly monitoring?: LakeMonitoring;

  private readonly encryptedCatalog: boolean;

  constructor(scope: Construct, id: string, props: InsuranceLakeProps = {}) {
    super(scope, id);
    this.encryptedCatalog = props.encryptDataCatalog ?? false;
    const s = resolveLakeSettings(this, props);
    this.environmentName = s.env;
    this.resourcePrefix = s.prefix;
    this.profile = s.profile;
    this.removalPolicy = s.removalPolicy;
    this.entityMatch = props.entityMatch ?? true;
    this.tableFormat = props.tableFormat ?? TableFormat.ICEBERG;
    this.notificationEmails = props.notificationEmails ?? [];

    if (!props.vpc && (props.subnets || props.securityGroup)) {
      throw new InsuranceLakeError('Network.NoVpc', this, 'subnets and securityGroup place the Glue connections in a VPC; give vpc as well, or remove them');
    }
    if (props.configuration && props.configurationPath !== undefined) {
      throw new InsuranceLakeError('Configuration.Conflict', this, 'configurationPath is a shorthand for configuration: Configuration.fromAsset(configurationPath); give one of them');
    }
    const configuration = props.configuration
      ?? (props.configurationPath !== undefined ? Configuration.fromAsset(props.configurationPath) : undefined);
    // A configuration in the user's bucket makes that bucket the lake's ETL scripts bucket.
    const configurationBucket = configuration?.bucket;
    const otherScriptsBucket = props.existingEtlScriptsBucket && props.existingEtlScriptsBucket !== configurationBucket;
    if (configurationBucket && (otherScriptsBucket || props.etlScriptsBucketName)) {
      throw new InsuranceLakeError('Configuration.Conflict', this, 'Configuration.fromBucket(bucket) makes that bucket the ETL scripts bucket; remove existingEtlScriptsBucket and etlScriptsBucketName');
    }

    const common = {
      environmentName: s.env,
      resourcePrefix: s.prefix,
      profile: s.profile,
      removalPolicy: s.removalPolicy,
    };

    // Each sub-construct gets the lake's props (its options are among them) and then the resources
    // the lake wires into it.
    this.storage = new DataLakeStorage(this, 'Storage', {
      ...props,
      ...common,
      existingEtlScriptsBucket: props.existingEtlScriptsBucket ?? configurationBucket,
    });
    const key = this.storage.encryptionKey;
    this.tables = new EtlTables(this, 'Tables', { ...props, ...common, encryptionKey: key });
    this.consumers = new ConsumerAccess(this, 'Consumers', {
      ...props,
      ...common,
      encryptionKey: key,
      cleanseBucket: this.storage.cleanseBucket,
      consumeBucket: this.storage.consumeBucket,
      glueTempBucket: this.storage.glueTempBucket,
    });
    if (props.vpc) {
      this.network = new GlueNetwork(this, 'Network', { ...props, ...common, vpc: props.vpc });
    }
    const bound = configuration?.bind(this, {
      ...common,
      etlScriptsBucket: this.storage.etlScriptsBucket,
      encryptionKey: key,
      logRetention: props.logRetention,
      transformModules: props.transformModules,
    });
    this.configurationDeployment = bound?.deployment;
    this.etl = new EtlJobs(this, 'Etl', {
      ...props,
      ...common,
      encryptionKey: key,
      collectBucket: this.storage.collectBucket,
      cleanseBucket: this.storage.cleanseBucket,
      consumeBucket: this.storage.consumeBucket,
      etlScriptsBucket: bound?.bucket ?? this.storage.etlScriptsBucket,
      glueTempBucket: this.storage.glueTempBucket,
      hashValuesTable: this.tables.hashValuesTable,
      valueLookupTable: this.tables.valueLookupTable,
      multiLookupTable: this.tables.multiLookupTable,
      dqResultsTable: this.tables.dqResultsTable,
      dataLineageTable: this.tables.dataLineageTable,
      athenaWorkgroupName: this.consumers.athenaWorkgroupName,
      connections: this.network?.connections,
    });

    this.encryptionKey = key;
    this.collectBucket = this.storage.collectBucket;
    this.cleanseBucket = this.storage.cleanseBucket;
    this.consumeBucket = this.storage.consumeBucket;
    this.accessLogsBucket = this.storage.accessLogsBucket;
    this.etlScriptsBucket = bound?.bucket ?? this.storage.etlScriptsBucket;
    this.glueTempBucket = this.storage.glueTempBucket;
    this.jobAuditTable = this.tables.jobAuditTable;
    this.valueLookupTable = this.tables.valueLookupTable;
    this.multiLookupTable = this.tables.multiLookupTable;
    this.hashValuesTable = this.tables.hashValuesTable;
    this.dqResultsTable = this.tables.dqResultsTable;
    this.dataLineageTable = this.tables.dataLineageTable;
    this.glueRole = this.etl.glueRole;
    this.collectToCleanseJob = this.etl.collectToCleanseJob;
    this.cleanseToConsumeJob = this.etl.cleanseToConsumeJob;
    this.consumeEntityMatchJob = this.etl.consumeEntityMatchJob;
    this.athenaWorkgroupName = this.consumers.athenaWorkgroupName;
    this.consumerPolicy = this.consumers.consumerPolicy;

    this.orchestration = new EtlOrchestration(this, 'Orchestration', {
      ...props,
      ...common,
      encryptionKey: key,
      collectBucket: this.collectBucket,
      etlScriptsBucket: this.etlScriptsBucket,
      jobAuditTable: this.jobAuditTable,
      collectToCleanseJob: this.collectToCleanseJob,
      cleanseToConsumeJob: this.cleanseToConsumeJob,
      consumeEntityMatchJob: this.consumeEntityMatchJob,
    });
    this.stateMachine = this.orchestration.stateMachine;
    this.notificationTopic = this.orchestration.notificationTopic;
    this.triggerFunction = this.orchestration.triggerFunction;
    this.jobAuditorFunction = this.orchestration.jobAuditorFunction;
    this.dependencyTriggerFunction = this.orchestration.dependencyTriggerFunction;

    if (props.monitoring ?? true) {
      this.monitoring = new LakeMonitoring(this, 'Monitoring', {
        ...props,
        ...common,
        orchestration: this.orchestration,
        jobs: this.etl,
        tables: this.tables,
        // The lake's topic is encrypted with the lake key: CloudWatch needs to use it. A topic of
        // the user's has a key policy of its own (see notificationTopic).
        alarmTopicKey: props.notificationTopic ? undefined : key,
      });
    }
    if (props.stackOutputs ?? true) this.addOutputs();

    Tags.of(this).add(`${s.prefix}:environment`, s.env);
    Tags.of(this).add(`${s.prefix}:application`, 'insurancelake');
    for (const [name, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(name, value);
    }
  }

  /** Stack outputs of what users and scripts look up after a deployment. */
  private addOutputs(): void {
    const out = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    out('CollectBucketName', this.collectBucket.bucketName, 'Collect bucket: upload files to <Database>/<Table>/<file>');
    out('CleanseBucketName', this.cleanseBucket.bucketName, 'Cleanse bucket');
    out('ConsumeBucketName', this.consumeBucket.bucketName, 'Consume bucket');
    out('StateMachineArn', this.stateMachine.stateMachineArn, 'ETL state machine');
    out('NotificationTopicArn', this.notificationTopic.topicArn, 'Pipeline notifications and alarms');
    out('AthenaWorkgroupName', this.athenaWorkgroupName, 'Athena workgroup for queries of the lake');
    if (this.monitoring?.dashboard) out('DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard of the pipeline');
  }

  /**
   * Failed executions of the ETL state machine, for alarms of your own (sum over 5 minutes unless
   * `props` says otherwise).
   */
  public metricFailedExecutions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed({ period: DEFAULT_PERIOD, ...props });
  }

  /**
   * Failed or timed-out runs of one of the lake's Glue jobs (e.g. `lake.collectToCleanseJob`),
   * from its "Glue Job State Change" events: they count failures before Spark starts too.
   */
  public metricJobFailures(job: glue.IJob, props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return jobFailures(job, props);
  }

  /**
   * Rows the jobs read: over the pipeline, for one `stage`, or for one `table` of a stage
   * (custom metrics the jobs publish in the `InsuranceLake` namespace after each run).
   */
  public metricRowsRead(options?: PipelineMetricOptions): cloudwatch.Metric {
    return this.pipelineMetric('rows_read', options);
  }

  /** Rows the jobs wrote (see {@link metricRowsRead} for the options). */
  public metricRowsWritten(options?: PipelineMetricOptions): cloudwatch.Metric {
    return this.pipelineMetric('rows_written', options);
  }

  /** Rows the data-quality rules quarantined (see {@link metricRowsRead} for the options). */
  public metricRowsQuarantined(options?: PipelineMetricOptions): cloudwatch.Metric {
    return this.pipelineMetric('rows_quarantined', options);
  }

  /** Files the jobs processed, one per job run (see {@link metricRowsRead} for the options). */
  public metricFiles(options?: PipelineMetricOptions): cloudwatch.Metric {
    return this.pipelineMetric('files', options);
  }

  private pipelineMetric(key: PipelineMetricKey, options?: PipelineMetricOptions): cloudwatch.Metric {
    return pipelineMetric(this, this.orchestration.stateMachineName, key, options);
  }

  /**
   * Let `grantee` upload files to the Collect bucket, where each new object starts the pipeline:
   * `s3:PutObject` on the bucket's objects and the lake key's `kms:GenerateDataKey` and
   * `kms:Decrypt` (S3 needs both for SSE-KMS uploads, Decrypt for multipart ones), through S3 and
   * for Collect objects only. No read, list or delete.
   *
   * The permissions are a customer-managed policy attached to the grantee's role, user or group
   * (created beside it, in its stack), so the grantee's stack stays clean in the AwsSolutions, HIPAA
   * Security and NIST 800-53 rev 5 packs; the `<bucket>/*` wildcard is acknowledged on that policy.
   *
   * @param grantee a role, user or group, or a construct whose `grantPrincipal` is one (a Lambda function)
   * @returns the managed policy
   */
  public grantUpload(grantee: iam.IGrantable): iam.IManagedPolicy {
    return grantWithManagedPolicy(this, grantee, {
      method: 'grantUpload',
      ...uploadGrant(Stack.of(this), { collectBucket: this.collectBucket, encryptionKey: this.encryptionKey }),
    });
  }

  /**
   * Let `grantee` query the Consume layer with Athena in the lake's workgroup: read the Consume
   * bucket, the `<db>_consume` databases and tables of the Glue Data Catalog, run queries in the
   * workgroup and read their results in `query-results/` of the Glue-temp bucket, and decrypt
   * with the lake key through S3. With `{ cleanse: true }`, the Cleanse bucket and every database
   * as well.
   *
   * Written as a customer-managed policy attached to the grantee (see {@link grantUpload}). For the
   * reference's broader consumer policy (Cleanse, Consume and any catalog), see `consumerPolicy`.
   *
   * @param grantee a role, user or group, or a construct whose `grantPrincipal` is one
   * @param options what to read besides Consume
   * @returns the managed policy
   */
  public grantConsume(grantee: iam.IGrantable, options: ConsumeGrantOptions = {}): iam.IManagedPolicy {
    return grantWithManagedPolicy(this, grantee, {
      method: 'grantConsume',
      ...consumeGrant(Stack.of(this), {
        consumeBucket: this.consumeBucket,
        cleanseBucket: this.cleanseBucket,
        glueTempBucket: this.glueTempBucket,
        encryptionKey: this.encryptionKey,
        athenaWorkgroupName: this.athenaWorkgroupName,
        encryptedCatalog: this.encryptedCatalog,
      }, options.cleanse ?? false),
    });
  }

  /**
   * Let `grantee` start the ETL state machine by hand or from a schedule (`states:StartExecution`)
   * and follow, list and stop its executions.
   *
   * A manual start gives the execution input the trigger would write for a file in Collect
   * (`target_database_name`, `table_name`, `source_bucketname`, `source_key`, `source_path`,
   * `base_file_name`, `p_year`, `p_month`, `p_day`, `execution_id` and `entity_match`); the
   * auditor records the outcome under that `execution_id`. To re-run a file, uploading it to
   * Collect again ({@link grantUpload}) is usually simpler.
   *
   * Written as a customer-managed policy attached to the grantee (see {@link grantUpload}).
   *
   * @param grantee a role, user or group, or a construct whose `grantPrincipal` is one
   * @returns the managed policy
   */
  public grantStartPipeline(grantee: iam.IGrantable): iam.IManagedPolicy {
    return grantWithManagedPolicy(this, grantee, {
      method: 'grantStartPipeline',
      ...startPipelineGrant(Stack.of(this), this.stateMachine, this.orchestration.stateMachineName),
    });
  }
}
