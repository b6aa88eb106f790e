import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EtlJobs } from './etl/etl-jobs';
import { TableFormat } from './etl/etl-jobs-props';
import { InsuranceLakeProps } from './insurance-lake-props';
import { EnvironmentProfile } from './lake-common-props';
import { resolveLakeSettings } from './lake-settings';
import { EtlOrchestration } from './orchestration/etl-orchestration';
import { DataLakeStorage } from './storage/data-lake-storage';
import { EtlTables } from './tables/etl-tables';

/**
 * The complete InsuranceLake in one construct: KMS key and buckets (Collect, Cleanse, Consume,
 * access logs, ETL scripts, Glue temp), the ETL DynamoDB tables, the Glue role, security
 * configuration and the three PySpark jobs running the engine, the Athena workgroup and the
 * consumer policy.
 *
 * Data resources are retained when removed from the stack unless `removalPolicy` is `DESTROY`.
 *
 * @example
 * new InsuranceLake(this, 'Lake', { environmentName: 'dev', resourcePrefix: 'acme-lake' });
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
  /** Glue role, jobs, connections, Athena workgroup, consumer policy. */
  public readonly etl: EtlJobs;

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
  /** ETL scripts and configuration bucket (`etl/…`). */
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

  constructor(scope: Construct, id: string, props: InsuranceLakeProps = {}) {
    super(scope, id);
    const s = resolveLakeSettings(this, props);
    this.environmentName = s.env;
    this.resourcePrefix = s.prefix;
    this.profile = s.profile;
    this.removalPolicy = s.removalPolicy;
    this.entityMatch = props.entityMatch ?? true;
    this.tableFormat = props.tableFormat ?? TableFormat.ICEBERG;
    this.notificationEmails = props.notificationEmails ?? [];

    if (!this.entityMatch && props.consumeEntityMatchJob) {
      throw new Error(`${this.node.path}: consumeEntityMatchJob configures a job that entityMatch: false switches off; remove one of them`);
    }
    if (!props.vpc && (props.subnets || props.securityGroup)) {
      throw new Error(`${this.node.path}: subnets and securityGroup place the Glue connections in a VPC; give vpc as well, or remove them`);
    }
    for (const email of this.notificationEmails) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        throw new Error(`${this.node.path}: notificationEmails entry "${email}" is not an e-mail address`);
      }
    }

    const common = {
      environmentName: s.env,
      resourcePrefix: s.prefix,
      profile: s.profile,
      removalPolicy: s.removalPolicy,
    };

    this.storage = new DataLakeStorage(this, 'Storage', { ...props, ...common });
    this.tables = new EtlTables(this, 'Tables', {
      ...common,
      encryptionKey: this.storage.encryptionKey,
      encryptAllTables: props.encryptAllTables,
      lineage: props.lineage,
    });
    this.etl = new EtlJobs(this, 'Etl', {
      ...common,
      encryptionKey: this.storage.encryptionKey,
      collectBucket: this.storage.collectBucket,
      cleanseBucket: this.storage.cleanseBucket,
      consumeBucket: this.storage.consumeBucket,
      etlScriptsBucket: this.storage.etlScriptsBucket,
      glueTempBucket: this.storage.glueTempBucket,
      hashValuesTable: this.tables.hashValuesTable,
      valueLookupTable: this.tables.valueLookupTable,
      multiLookupTable: this.tables.multiLookupTable,
      dqResultsTable: this.tables.dqResultsTable,
      dataLineageTable: this.tables.dataLineageTable,
      glueVersion: props.glueVersion,
      tableFormat: props.tableFormat,
      entityMatch: props.entityMatch,
      collectToCleanseJob: props.collectToCleanseJob,
      cleanseToConsumeJob: props.cleanseToConsumeJob,
      consumeEntityMatchJob: props.consumeEntityMatchJob,
      extraJars: props.extraJars,
      engineAssetPath: props.engineAssetPath,
      configurationPath: props.configurationPath,
      pruneConfiguration: props.pruneConfiguration,
      vpc: props.vpc,
      subnets: props.subnets,
      securityGroup: props.securityGroup,
      encryptDataCatalog: props.encryptDataCatalog,
      consumerPolicy: props.consumerPolicy,
    });

    this.encryptionKey = this.storage.encryptionKey;
    this.collectBucket = this.storage.collectBucket;
    this.cleanseBucket = this.storage.cleanseBucket;
    this.consumeBucket = this.storage.consumeBucket;
    this.accessLogsBucket = this.storage.accessLogsBucket;
    this.etlScriptsBucket = this.storage.etlScriptsBucket;
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
    this.athenaWorkgroupName = this.etl.athenaWorkgroupName;
    this.consumerPolicy = this.etl.consumerPolicy;

    // ---- Orchestration ------------------------------------------------------------------------
    this.orchestration = new EtlOrchestration(this, 'Orchestration', {
      ...common,
      encryptionKey: this.encryptionKey,
      collectBucket: this.collectBucket,
      etlScriptsBucket: this.etlScriptsBucket,
      jobAuditTable: this.jobAuditTable,
      collectToCleanseJob: this.collectToCleanseJob,
      cleanseToConsumeJob: this.cleanseToConsumeJob,
      consumeEntityMatchJob: this.consumeEntityMatchJob,
      notificationEmails: this.notificationEmails,
    });
    this.stateMachine = this.orchestration.stateMachine;
    this.notificationTopic = this.orchestration.notificationTopic;
    this.triggerFunction = this.orchestration.triggerFunction;
    this.jobAuditorFunction = this.orchestration.jobAuditorFunction;
    this.dependencyTriggerFunction = this.orchestration.dependencyTriggerFunction;

    Tags.of(this).add(`${s.prefix}:environment`, s.env);
    Tags.of(this).add(`${s.prefix}:application`, 'insurancelake');
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
  }
}
