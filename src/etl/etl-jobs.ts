import * as fs from 'fs';
import * as path from 'path';
import { ArnComponents, ArnFormat, Aws, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { assetRoot } from './asset-root';
import { EtlJobOptions, EtlJobsProps, TableFormat } from './etl-jobs-props';
import {
  ConfigPrefix, ENGINE_PACKAGE, EtlJobSpec, GlueArg, ICEBERG_CATALOG_NAME, JobArg, PhysicalName, TableFormatValue,
  TempPrefix, jobArg,
} from '../contract';
import { EnvironmentProfile } from '../lake-common-props';
import { LakeSettings, pinFeatureFlags, resolveLakeSettings } from '../lake-settings';
import { acknowledgeDocumentWildcards, acknowledgeStatementWildcards } from '../nag-acknowledgements';

/** Packages of requirements.txt that the Glue 5.x image already provides. */
const GLUE_PROVIDED = new Set(['boto3', 'botocore', 'pandas', 'pyarrow', 'numpy', 'pyspark']);

/**
 * The Glue side of the lake: the Glue role, a security configuration, the three PySpark jobs that run
 * the engine (collect-to-cleanse, cleanse-to-consume, consume-entity-match), optional VPC
 * connections, the deployment of the pipeline configuration to the ETL scripts bucket, the Athena
 * workgroup and the data-lake consumer managed policy.
 *
 * The engine package ships as one zip (`--extra-py-files`); the jobs get every default argument of
 * InsuranceLake's jobs (table names, buckets, prefixes, Iceberg settings, the `--enable-*` flags).
 *
 * @example
 * const jobs = new EtlJobs(this, 'Jobs', {
 *   encryptionKey: storage.encryptionKey,
 *   collectBucket: storage.collectBucket, cleanseBucket: storage.cleanseBucket,
 *   consumeBucket: storage.consumeBucket, etlScriptsBucket: storage.etlScriptsBucket,
 *   glueTempBucket: storage.glueTempBucket,
 *   hashValuesTable: tables.hashValuesTable, valueLookupTable: tables.valueLookupTable,
 *   multiLookupTable: tables.multiLookupTable, dqResultsTable: tables.dqResultsTable,
 *   dataLineageTable: tables.dataLineageTable,
 * });
 */
export class EtlJobs extends Construct {
  /** The role the three jobs run as. Its permissions are in `gluePolicy`. */
  public readonly glueRole: iam.IRole;
  /** The managed policy with the role's permissions (buckets, tables, key, catalog, logs, Athena). */
  public readonly gluePolicy: iam.ManagedPolicy;
  /** Security configuration of the jobs: S3, CloudWatch Logs and bookmarks encrypted with the lake key. */
  public readonly securityConfiguration: glue.ISecurityConfiguration;
  /** Collect → Cleanse: schema mapping, transforms, data quality. */
  public readonly collectToCleanseJob: glue.IJob;
  /** Cleanse → Consume: Spark/Athena/Redshift SQL, data quality. */
  public readonly cleanseToConsumeJob: glue.IJob;
  /** Consume entity match, when `entityMatch` is on. */
  public readonly consumeEntityMatchJob?: glue.IJob;
  /** The jobs, in pipeline order. */
  public readonly jobs: glue.IJob[];
  /** Glue NETWORK connections (one per subnet), when a VPC is given. */
  public readonly connections: glue.IConnection[];
  /** Security group of the connections, when a VPC is given. */
  public readonly securityGroup?: ec2.ISecurityGroup;
  /** The Athena workgroup (`{env}-{prefix_}`), with encrypted results in the Glue temp bucket. */
  public readonly athenaWorkgroup: athena.CfnWorkGroup;
  /** Name of the Athena workgroup. */
  public readonly athenaWorkgroupName: string;
  /** Managed policy to attach to consumers of the lake (Redshift, QuickSight, notebooks). */
  public readonly consumerPolicy?: iam.IManagedPolicy;
  /** The engine package zip (`insurancelake_etl`) passed in `--extra-py-files`. */
  public readonly engineAsset: s3assets.Asset;
  /** The deployment of `configurationPath` to `etl/`, when given. */
  public readonly configurationDeployment?: s3deploy.BucketDeployment;
  /** Table format the jobs write. */
  public readonly tableFormat: TableFormat;

  private readonly settings: LakeSettings;
  private readonly props: EtlJobsProps;
  private readonly root: string;
  private readonly defaultModules: string[];

  constructor(scope: Construct, id: string, props: EtlJobsProps) {
    super(scope, id);
    pinFeatureFlags(this);
    this.settings = resolveLakeSettings(this, props);
    this.props = props;
    this.tableFormat = props.tableFormat ?? TableFormat.ICEBERG;
    const s = this.settings;
    const stack = Stack.of(this);

    if (!props.vpc && (props.subnets || props.securityGroup)) {
      throw new Error(`${this.node.path}: subnets and securityGroup apply to the Glue connections of a VPC; give vpc as well, or remove them`);
    }

    this.root = props.engineAssetPath ?? assetRoot();
    this.defaultModules = readAdditionalModules(path.join(this.root, 'requirements.txt'));

    // Permissions live in one customer-managed policy; the jobs see the role without policy updates,
    // so nothing ends up in an inline policy (grants made by the Glue L2 are written out below).
    const role = new iam.Role(this, 'GlueRole', {
      roleName: PhysicalName.regional(s.env, s.prefix, stack.region, 'glue-role'),
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: 'Role for InsuranceLake ETL pipeline Glue Jobs',
    });
    this.glueRole = role;
    this.gluePolicy = new iam.ManagedPolicy(this, 'GluePolicy', {
      description: 'Permissions of the InsuranceLake ETL Glue jobs',
      // Statements stay as written (Sids, order), whatever the app's minimizePolicies flag says.
      document: new iam.PolicyDocument({ minimize: false }),
      roles: [role],
    });
    const jobRole = role.withoutPolicyUpdates();

    this.securityConfiguration = new glue.SecurityConfiguration(this, 'SecurityConfiguration', {
      securityConfigurationName: PhysicalName.resource(s.env, s.prefix, 'glue-security-configuration'),
      s3Encryption: glue.S3Encryption.kms(props.encryptionKey),
      cloudWatchEncryption: glue.CloudWatchEncryption.kms(props.encryptionKey),
      jobBookmarksEncryption: glue.JobBookmarksEncryption.clientSideKms(props.encryptionKey),
    });

    if (props.encryptDataCatalog) {
      new glue.CfnDataCatalogEncryptionSettings(this, 'DataCatalogEncryption', {
        catalogId: stack.account,
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId: props.encryptionKey.keyArn },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, kmsKeyId: props.encryptionKey.keyArn },
        },
      });
    }

    // Network
    this.connections = [];
    if (props.vpc) {
      let sg = props.securityGroup;
      if (!sg) {
        const created = new ec2.SecurityGroup(this, 'SecurityGroup', {
          vpc: props.vpc,
          description: 'Glue connections of the InsuranceLake ETL jobs (self-referencing ingress, as Glue requires)',
          allowAllOutbound: true,
        });
        created.addIngressRule(created, ec2.Port.allTcp(), 'Glue requires a self-referencing rule for all TCP ports');
        sg = created;
      }
      this.securityGroup = sg;
      const subnets = props.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
      subnets.forEach((subnet, i) => {
        this.connections.push(new glue.Connection(this, `Connection${i + 1}`, {
          type: glue.ConnectionType.NETWORK,
          connectionName: PhysicalName.resource(s.env, s.prefix, `glue-etl-connection-${i + 1}`),
          description: `Data Catalog Connection for InsuranceLake VPC Subnet ${i + 1}`,
          network: glue.ConnectionNetwork.subnet(subnet),
          securityGroups: [sg!],
        }));
      });
    }

    // Athena workgroup (name carries the environment: decision I1)
    this.athenaWorkgroupName = PhysicalName.athenaWorkgroup(s.env, s.prefix);
    this.athenaWorkgroup = new athena.CfnWorkGroup(this, 'AthenaWorkgroup', {
      name: this.athenaWorkgroupName,
      description: 'InsuranceLake Athena workgroup',
      recursiveDeleteOption: s.destroy,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: props.glueTempBucket.s3UrlForObject(TempPrefix.QUERY_RESULTS),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
        },
      },
    });

    // Engine: one zip with the package and the top-level helper modules the entry scripts import
    // (glue_runtime.py, …), so that `import insurancelake_etl` and `import glue_runtime` work on Glue.
    this.engineAsset = new s3assets.Asset(this, 'EngineAsset', {
      path: this.root,
      exclude: ['*', `!${ENGINE_PACKAGE}`, `!${ENGINE_PACKAGE}/**`, '!*.py', 'etl_*.py',
        '**/__pycache__', '**/*.pyc', '**/.pytest_cache'],
    });

    const collect = this.createJob('CollectToCleanseJob', EtlJobSpec.COLLECT_TO_CLEANSE, jobRole,
      'PySpark Glue job data processing logic to cleanse and curate collected source system data',
      props.collectToCleanseJob, props.collectBucket, props.cleanseBucket, {
        [jobArg(JobArg.TXN_SPEC_PREFIX_PATH)]: ConfigPrefix.TRANSFORMATION_SPEC,
        [jobArg(JobArg.HASH_VALUE_TABLE)]: props.hashValuesTable.tableName,
        [jobArg(JobArg.VALUE_LOOKUP_TABLE)]: props.valueLookupTable.tableName,
        [jobArg(JobArg.MULTI_LOOKUP_TABLE)]: props.multiLookupTable.tableName,
        [jobArg(JobArg.DQ_RESULTS_TABLE)]: props.dqResultsTable.tableName,
      });
    const cleanse = this.createJob('CleanseToConsumeJob', EtlJobSpec.CLEANSE_TO_CONSUME, jobRole,
      'PySpark Glue job data processing logic to prepare cleansed Data Lake tables for specific analytics consumption',
      props.cleanseToConsumeJob, props.cleanseBucket, props.consumeBucket, {
        [jobArg(JobArg.TXN_SQL_PREFIX_PATH)]: ConfigPrefix.TRANSFORMATION_SQL,
        [jobArg(JobArg.DQ_RESULTS_TABLE)]: props.dqResultsTable.tableName,
        [jobArg(JobArg.ATHENA_WORKGROUP)]: this.athenaWorkgroupName,
      });
    this.collectToCleanseJob = collect;
    this.cleanseToConsumeJob = cleanse;
    this.jobs = [collect, cleanse];
    if (props.entityMatch ?? true) {
      this.consumeEntityMatchJob = this.createJob('ConsumeEntityMatchJob', EtlJobSpec.CONSUME_ENTITY_MATCH, jobRole,
        'PySpark Glue job data processing logic to match records in Consume layer with primary set',
        props.consumeEntityMatchJob, props.cleanseBucket, props.consumeBucket, {
          [jobArg(JobArg.TXN_SPEC_PREFIX_PATH)]: ConfigPrefix.TRANSFORMATION_SPEC,
        });
      this.jobs.push(this.consumeEntityMatchJob);
    }

    this.addGluePermissions(stack);

    if (props.configurationPath !== undefined) {
      this.configurationDeployment = this.deployConfiguration(props.configurationPath);
    }
    if (props.consumerPolicy ?? true) {
      this.consumerPolicy = this.createConsumerPolicy(stack);
    }
  }

  private createJob(id: string, spec: { key: string; nameSuffix: string; script: string }, role: iam.IRole,
    description: string, options: EtlJobOptions | undefined, source: s3.IBucket, target: s3.IBucket,
    specific: { [key: string]: string }): glue.IJob {
    const s = this.settings;
    const p = this.props;
    const scriptPath = path.join(this.root, spec.script);
    if (!fs.existsSync(scriptPath)) {
      throw new Error(`${this.node.path}: Glue entry script ${scriptPath} not found; engineAssetPath must contain ${EtlJobSpec.COLLECT_TO_CLEANSE.script}, ${EtlJobSpec.CLEANSE_TO_CONSUME.script}, ${EtlJobSpec.CONSUME_ENTITY_MATCH.script} and ${ENGINE_PACKAGE}/`);
    }
    const script = new s3assets.Asset(this, `${id}Script`, { path: scriptPath });
    const modules = options?.additionalPythonModules ?? this.defaultModules;
    const args: { [key: string]: string } = {
      [GlueArg.ENABLE_AUTO_SCALING]: 'true',
      [GlueArg.ENABLE_GLUE_DATACATALOG]: 'true',
      [GlueArg.TEMP_DIR]: p.glueTempBucket.s3UrlForObject(`${TempPrefix.TEMP_DIR}/${spec.key}/`),
      [GlueArg.DATALAKE_FORMATS]: 'iceberg',
      [GlueArg.CONF]: icebergConf(target),
      [jobArg(JobArg.ICEBERG_CATALOG)]: ICEBERG_CATALOG_NAME,
      [jobArg(JobArg.TABLE_FORMAT)]: this.tableFormat === TableFormat.ICEBERG ? TableFormatValue.ICEBERG : TableFormatValue.PARQUET,
      [jobArg(JobArg.ENVIRONMENT)]: s.envTitle,
      [jobArg(JobArg.TXN_BUCKET)]: p.etlScriptsBucket.s3UrlForObject(),
      [jobArg(JobArg.SOURCE_BUCKET)]: source.s3UrlForObject(),
      [jobArg(JobArg.TARGET_BUCKET)]: target.s3UrlForObject(),
      ...(modules.length > 0 ? { [GlueArg.ADDITIONAL_PYTHON_MODULES]: modules.join(',') } : {}),
      ...(p.dataLineageTable ? { [jobArg(JobArg.DATA_LINEAGE_TABLE)]: p.dataLineageTable.tableName } : {}),
      ...specific,
    };
    for (const [key, value] of Object.entries(options?.extraArguments ?? {})) {
      if (key in args) {
        throw new Error(`${this.node.path}: extraArguments of ${spec.nameSuffix} may not replace ${key}, which the construct sets to "${args[key]}"`);
      }
      args[key] = value;
    }
    const common: glue.PySparkFlexEtlJobProps = {
      jobName: PhysicalName.resource(s.env, s.prefix, spec.nameSuffix),
      description,
      role,
      script: glue.Code.fromBucket(script.bucket, script.s3ObjectKey),
      glueVersion: options?.glueVersion ?? p.glueVersion ?? glue.GlueVersion.V5_1,
      workerConfiguration: {
        workerType: options?.workerType ?? glue.WorkerType.G_1X,
        numberOfWorkers: options?.numberOfWorkers ?? 25,
      },
      maxConcurrentRuns: options?.maxConcurrentRuns ?? 10,
      maxRetries: options?.maxRetries ?? 0,
      timeout: options?.timeout,
      securityConfiguration: this.securityConfiguration,
      connections: this.connections.length > 0 ? this.connections : undefined,
      continuousLogging: { enabled: true, quiet: true },
      enableMetrics: true,
      enableObservabilityMetrics: true,
      sparkUI: { bucket: p.glueTempBucket, prefix: `/${TempPrefix.SPARK_UI}/${spec.key}` },
      extraPythonFiles: [glue.Code.fromBucket(this.engineAsset.bucket, this.engineAsset.s3ObjectKey)],
      extraJars: p.extraJars,
      extraJarsFirst: true,
      defaultArguments: args,
    };
    const job = options?.flex ? new glue.PySparkFlexEtlJob(this, id, common) : new glue.PySparkEtlJob(this, id, common);
    // The role sees no policy updates: read access to the job's code is granted here.
    this.gluePolicy.addStatements(new iam.PolicyStatement({
      sid: `Read${id}Code`,
      actions: ['s3:GetObject'],
      resources: [script.bucket.arnForObjects(script.s3ObjectKey)],
    }));
    return job;
  }

  private addGluePermissions(stack: Stack): void {
    const p = this.props;
    const readBuckets = [p.collectBucket, p.etlScriptsBucket];
    const writeBuckets = [p.cleanseBucket, p.consumeBucket, p.glueTempBucket];
    this.allow(undefined, new iam.PolicyStatement({
      sid: 'ReadEngine',
      actions: ['s3:GetObject'],
      resources: [this.engineAsset.bucket.arnForObjects(this.engineAsset.s3ObjectKey)],
    }), new iam.PolicyStatement({
      sid: 'ListLakeBuckets',
      actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [...readBuckets, ...writeBuckets].map(b => b.bucketArn),
    }), new iam.PolicyStatement({
      sid: 'LakeKey',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [p.encryptionKey.keyArn],
    }), new iam.PolicyStatement({
      sid: 'DynamoDBAccess',
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem',
        'dynamodb:DescribeTable', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
      resources: [p.hashValuesTable, p.valueLookupTable, p.multiLookupTable, p.dqResultsTable,
        ...(p.dataLineageTable ? [p.dataLineageTable] : [])].map(t => t.tableArn),
    }), new iam.PolicyStatement({
      sid: 'AthenaAccess',
      actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
      resources: [arn(stack, { service: 'athena', resource: 'workgroup', resourceName: this.athenaWorkgroupName })],
    }));

    this.allow('The jobs read source files and configuration under keys that arrive at run time (`<db>/<table>/…`, `etl/…`), so object access is granted on `<bucket>/*` of the Collect and ETL-scripts buckets only.',
      new iam.PolicyStatement({
        sid: 'ReadSourceObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: readBuckets.map(b => b.arnForObjects('*')),
      }));
    this.allow('The jobs write and replace partitions, Iceberg data and temporary files under keys built at run time, so object access is granted on `<bucket>/*` of the Cleanse, Consume and Glue-temp buckets only.',
      new iam.PolicyStatement({
        sid: 'ReadWriteTargetObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: writeBuckets.map(b => b.arnForObjects('*')),
      }));
    this.allow('The jobs create Glue Data Catalog databases and tables at run time, named after the Collect folder (`<db>`, `<db>_consume`); their ARNs are not known at deploy time. Scoped to this account and region.',
      new iam.PolicyStatement({
        sid: 'GlueCatalog',
        actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:CreateDatabase', 'glue:GetTable', 'glue:GetTables',
          'glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable', 'glue:GetPartition', 'glue:GetPartitions',
          'glue:BatchGetPartition', 'glue:CreatePartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition',
          'glue:DeletePartition', 'glue:BatchDeletePartition', 'glue:GetUserDefinedFunctions'],
        resources: [
          arn(stack, { service: 'glue', resource: 'catalog' }),
          arn(stack, { service: 'glue', resource: 'database', resourceName: '*' }),
          arn(stack, { service: 'glue', resource: 'table', resourceName: '*/*' }),
          arn(stack, { service: 'glue', resource: 'userDefinedFunction', resourceName: '*/*' }),
        ],
      }));
    this.allow('Glue Data Quality publishes results for rulesets the jobs evaluate at run time (one per table); scoped to this account and region.',
      new iam.PolicyStatement({
        sid: 'GlueDataQuality',
        actions: ['glue:PublishDataQuality'],
        resources: [arn(stack, { service: 'glue', resource: 'dataQualityRuleset', resourceName: '*' })],
      }));
    this.allow('Glue names the continuous-logging log groups and streams under /aws-glue/ per security configuration and job run; access is limited to that prefix.',
      new iam.PolicyStatement({
        sid: 'GlueLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
        resources: [arn(stack, { service: 'logs', resource: 'log-group', resourceName: '/aws-glue/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }));
    this.allow('cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited to the Glue namespace by condition.',
      new iam.PolicyStatement({
        sid: 'GlueMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
      }));
    this.allow('Lineage events go to the Amazon DataZone domain configured at run time; scoped to domains of this account and region.',
      new iam.PolicyStatement({
        sid: 'DataZoneLineage',
        actions: ['datazone:PostLineageEvent'],
        resources: [arn(stack, { service: 'datazone', resource: 'domain', resourceName: '*' })],
      }));
    if (this.connections.length > 0) {
      this.allow(undefined, new iam.PolicyStatement({
        sid: 'GlueConnections',
        actions: ['glue:GetConnection'],
        resources: [arn(stack, { service: 'glue', resource: 'catalog' }), ...this.connections.map(c => c.connectionArn)],
      }));
      this.allow('EC2 Describe* actions support no resource-level permissions; Glue calls them to set up the network of a connection.',
        new iam.PolicyStatement({
          sid: 'NetworkInterfacesDescribe',
          actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints', 'ec2:DescribeSubnets',
            'ec2:DescribeVpcAttribute', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups'],
          resources: ['*'],
        }));
      this.allow('Glue creates one network interface per worker and run in the connection subnets; interface ids are not known in advance. Scoped to this account and region.',
        new iam.PolicyStatement({
          sid: 'NetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:CreateTags', 'ec2:DeleteTags'],
          resources: [
            arn(stack, { service: 'ec2', resource: 'network-interface', resourceName: '*' }),
            arn(stack, { service: 'ec2', resource: 'subnet', resourceName: '*' }),
            arn(stack, { service: 'ec2', resource: 'security-group', resourceName: '*' }),
          ],
        }));
    }
  }

  /** Add statements to the Glue policy; acknowledge their wildcards (if any) with `reason`. */
  private allow(reason: string | undefined, ...statements: iam.PolicyStatement[]): void {
    this.gluePolicy.addStatements(...statements);
    if (reason) acknowledgeStatementWildcards(this.gluePolicy, statements, reason);
  }

  private deployConfiguration(configurationPath: string): s3deploy.BucketDeployment {
    const s = this.settings;
    const p = this.props;
    if (!fs.existsSync(configurationPath) || !fs.statSync(configurationPath).isDirectory()) {
      throw new Error(`${this.node.path}: configurationPath "${configurationPath}" is not a folder; give the local folder that holds transformation-spec/, transformation-sql/ and dq-rules/`);
    }
    const logGroup = new logs.LogGroup(this, 'ConfigurationDeploymentLogs', {
      encryptionKey: p.encryptionKey,
      retention: s.profile === EnvironmentProfile.DEV ? logs.RetentionDays.ONE_MONTH : logs.RetentionDays.SIX_MONTHS,
      removalPolicy: s.removalPolicy,
    });
    const deployment = new s3deploy.BucketDeployment(this, 'ConfigurationDeployment', {
      sources: [s3deploy.Source.asset(configurationPath)],
      destinationBucket: p.etlScriptsBucket,
      destinationKeyPrefix: ConfigPrefix.ROOT,
      prune: p.pruneConfiguration ?? s.profile === EnvironmentProfile.DEV,
      retainOnDelete: !s.destroy,
      memoryLimit: 256,
      logGroup,
    });
    p.encryptionKey.grantEncryptDecrypt(deployment.handlerRole);
    const handler = deployment.handlerRole.node.scope;
    const defaultPolicy = deployment.handlerRole.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (handler && defaultPolicy) {
      acknowledgeDocumentWildcards(handler, defaultPolicy.document, 'CDK BucketDeployment custom resource: aws-cdk-lib grants its handler read on the asset and read/write/delete on the destination bucket (`etl/*` objects) with wildcard S3 and KMS actions, to sync the configuration folder.');
    }
    if (handler) {
      const why = 'CDK BucketDeployment custom resource: its singleton Lambda, runtime and role are managed by aws-cdk-lib and run only during deployments.';
      Validations.of(handler).acknowledge(
        { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${why} It uses the AWSLambdaBasicExecutionRole managed policy for its logs.` },
        { id: 'AwsSolutions-L1', reason: `${why} The runtime version is chosen by aws-cdk-lib.` },
        { id: 'HIPAA.Security-LambdaConcurrency', reason: `${why} Invoked once per deployment; no concurrency limit needed.` },
        { id: 'HIPAA.Security-LambdaDLQ', reason: `${why} Invoked synchronously by CloudFormation, which reports failures.` },
        { id: 'HIPAA.Security-LambdaInsideVPC', reason: `${why} It only calls S3 and needs no VPC.` },
        { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: `${why} aws-cdk-lib grants the handler its bucket access with an inline policy.` },
        { id: 'NIST.800.53.R5-LambdaConcurrency', reason: `${why} Invoked once per deployment; no concurrency limit needed.` },
        { id: 'NIST.800.53.R5-LambdaDLQ', reason: `${why} Invoked synchronously by CloudFormation, which reports failures.` },
        { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: `${why} It only calls S3 and needs no VPC.` },
        { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: `${why} aws-cdk-lib grants the handler its bucket access with an inline policy.` },
      );
    }
    return deployment;
  }

  private createConsumerPolicy(stack: Stack): iam.ManagedPolicy {
    const s = this.settings;
    const p = this.props;
    const policy = new iam.ManagedPolicy(this, 'ConsumerPolicy', {
      managedPolicyName: PhysicalName.regional(s.env, s.prefix, stack.region, 'consumer-policy'),
      description: 'InsuranceLake Consumer IAM Managed Policy',
      document: new iam.PolicyDocument({
        minimize: false,
        statements: [
          new iam.PolicyStatement({
            sid: 'S3BucketReadAccess',
            actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
            resources: [p.cleanseBucket, p.consumeBucket].flatMap(b => [b.bucketArn, b.arnForObjects('*')]),
          }),
          new iam.PolicyStatement({
            sid: 'KmsAccess',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [p.encryptionKey.keyArn],
          }),
          new iam.PolicyStatement({
            sid: 'AthenaWildcardResourceAccess',
            actions: ['athena:ListWorkGroups', 'athena:ListDataCatalogs', 'athena:GetCatalogs', 'athena:GetNamespaces',
              'athena:GetExecutionEngine', 'athena:GetExecutionEngines', 'athena:GetTables', 'athena:GetTable'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'AthenaWorkgroupAccess',
            actions: ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:GetQueryExecution',
              'athena:BatchGetQueryExecution', 'athena:ListQueryExecutions', 'athena:StopQueryExecution',
              'athena:GetQueryResults', 'athena:GetQueryResultsStream', 'athena:DeleteNamedQuery', 'athena:GetNamedQuery',
              'athena:ListNamedQueries', 'athena:CreateNamedQuery', 'athena:BatchGetNamedQuery'],
            resources: [arn(stack, { service: 'athena', resource: 'workgroup', resourceName: this.athenaWorkgroupName })],
          }),
          new iam.PolicyStatement({
            sid: 'AthenaDataCatalogAccess',
            actions: ['athena:ListDatabases', 'athena:GetDataCatalog', 'athena:GetDatabase', 'athena:GetTableMetadata', 'athena:ListTableMetadata'],
            resources: [arn(stack, { service: 'athena', resource: 'datacatalog', resourceName: '*' })],
          }),
          new iam.PolicyStatement({
            sid: 'GlueCatalogReadAccess',
            actions: ['lakeformation:GetDataAccess', 'glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable',
              'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'GlueTempBucketAccess',
            actions: ['s3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads',
              's3:ListMultipartUploadParts', 's3:AbortMultipartUpload', 's3:PutObject'],
            resources: [p.glueTempBucket.bucketArn, p.glueTempBucket.arnForObjects('*')],
          }),
        ],
      }),
    });
    acknowledgeDocumentWildcards(policy, policy.document, 'Consumers read the tables the jobs create at run time: object access on `<bucket>/*` of Cleanse and Consume, Athena results in the Glue-temp bucket, any data catalog of this account; Athena list actions, lakeformation:GetDataAccess and Glue catalog reads support no narrower resource (as in the reference consumer policy).');
    return policy;
  }
}

/** An ARN in the stack's account and region, partition-aware whatever the app's feature flags say. */
function arn(stack: Stack, components: ArnComponents): string {
  return stack.formatArn({ partition: Aws.PARTITION, ...components });
}

/** The Iceberg catalog `glue_catalog` (Glue Data Catalog, S3FileIO), warehouse under the target bucket. */
function icebergConf(target: s3.IBucket): string {
  const c = `spark.sql.catalog.${ICEBERG_CATALOG_NAME}`;
  return [
    'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    `${c}=org.apache.iceberg.spark.SparkCatalog`,
    `${c}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
    `${c}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
    `${c}.warehouse=${target.s3UrlForObject('iceberg/')}`,
    'spark.sql.iceberg.handle-timestamp-without-timezone=true',
  ].join(' --conf ');
}

/** `name==version` of every pinned requirement the Glue image does not provide. */
function readAdditionalModules(requirementsFile: string): string[] {
  if (!fs.existsSync(requirementsFile)) return [];
  return fs.readFileSync(requirementsFile, 'utf8')
    .split('\n')
    .map(line => line.replace(/#.*/, '').trim())
    .filter(line => line.length > 0)
    .filter(line => !GLUE_PROVIDED.has(line.split(/[=<>!~;[ ]/)[0].toLowerCase()));
}
