import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { arn } from './arn';
import { assetRoot } from './asset-root';
import { EtlJobSettings, EtlJobsProps, TableFormat } from './etl-jobs-props';
import { nativePackageArguments, refusedEvaluator, sparkPackages } from './spark-packages';
import { TransformModulesConfig } from './transform-modules';
import {
  BucketPrefix, ENGINE_PACKAGE, GlueArg, JOB_KEYS, JobKey, PhysicalName, PipelineMetricNames, TableFormatValue,
  contractArgument, contractJob, jobArg,
} from '../contract';
import { InsuranceLakeError } from '../errors';
import { LakeSettings, pinFeatureFlags, resolveLakeSettings } from '../lake-settings';
import { acknowledgeStatementWildcards } from '../nag-acknowledgements';

/** Packages of requirements.txt that the Glue 5.x image already provides. */
const GLUE_PROVIDED = new Set(['boto3', 'botocore', 'pandas', 'pyarrow', 'numpy', 'pyspark']);

/**
 * The Glue jobs of the lake: the Glue role and its managed policy, a security configuration, and
 * the three PySpark jobs that run the engine (collect-to-cleanse, cleanse-to-consume,
 * consume-entity-match).
 *
 * The engine package ships as one zip (`--extra-py-files`). Each job's default arguments are the
 * arguments contract.json says the construct sets for that job (buckets, tables, prefixes, Iceberg
 * settings), plus the `--enable-*` flags of InsuranceLake's jobs.
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
 *   athenaWorkgroupName: consumers.athenaWorkgroupName,
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
  /** The engine package zip (`insurancelake_etl`) passed in `--extra-py-files`. */
  public readonly engineAsset: s3assets.Asset;
  /** Table format the jobs write. */
  public readonly tableFormat: TableFormat;
  /** The zip of the user's transform modules in `--extra-py-files`, with `transformModules`. */
  public readonly transformModulesAsset?: s3assets.Asset;

  private readonly settings: LakeSettings;
  private readonly props: EtlJobsProps;
  private readonly root: string;
  private readonly defaultModules: string[];
  private readonly connections: glue.IConnection[];
  private readonly modules?: TransformModulesConfig;

  constructor(scope: Construct, id: string, props: EtlJobsProps) {
    super(scope, id);
    pinFeatureFlags(this);
    this.settings = resolveLakeSettings(this, props);
    this.props = props;
    this.tableFormat = props.tableFormat ?? TableFormat.ICEBERG;
    this.connections = props.connections ?? [];
    const entityMatch = props.entityMatch ?? true;
    const s = this.settings;
    const stack = Stack.of(this);

    if (!entityMatch && props.consumeEntityMatchJob) {
      throw new InsuranceLakeError('Jobs.EntityMatchOff', this, 'consumeEntityMatchJob configures a job that entityMatch: false switches off; remove one of them');
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

    // Engine: one zip with the package and the top-level helper modules the entry scripts import
    // (glue_runtime.py, …), so that `import insurancelake_etl` and `import glue_runtime` work on Glue.
    this.engineAsset = new s3assets.Asset(this, 'EngineAsset', {
      path: this.root,
      exclude: ['*', `!${ENGINE_PACKAGE}`, `!${ENGINE_PACKAGE}/**`, '!*.py', 'etl_*.py',
        '**/__pycache__', '**/*.pyc', '**/.pytest_cache'],
    });

    // The user's modules: a zip of their own beside the engine's, so neither changes the other.
    this.modules = props.transformModules?.bind(this);
    this.transformModulesAsset = this.modules?.asset;

    this.collectToCleanseJob = this.createJob('CollectToCleanseJob', 'collect_to_cleanse', jobRole,
      props.collectToCleanseJob, props.collectBucket, props.cleanseBucket);
    this.cleanseToConsumeJob = this.createJob('CleanseToConsumeJob', 'cleanse_to_consume', jobRole,
      props.cleanseToConsumeJob, props.cleanseBucket, props.consumeBucket);
    this.jobs = [this.collectToCleanseJob, this.cleanseToConsumeJob];
    if (entityMatch) {
      this.consumeEntityMatchJob = this.createJob('ConsumeEntityMatchJob', 'consume_entity_match', jobRole,
        props.consumeEntityMatchJob, props.cleanseBucket, props.consumeBucket);
      this.jobs.push(this.consumeEntityMatchJob);
    }

    this.addGluePermissions(stack);
  }

  /**
   * The arguments contract.json says the construct sets, for one job: each from the value the
   * construct has for it, or the contract's fixed value. A required one without a value is a bug in
   * this construct (the job would fail at its first run), so it fails the synthesis.
   */
  private contractArguments(key: JobKey, source: s3.IBucket, target: s3.IBucket): { [key: string]: string } {
    const p = this.props;
    const values: { [name: string]: string | undefined } = {
      environment: this.settings.envTitle,
      TempDir: p.glueTempBucket.s3UrlForObject(BucketPrefix.tempDir(key)),
      txn_bucket: p.etlScriptsBucket.s3UrlForObject(),
      source_bucket: source.s3UrlForObject(),
      target_bucket: target.s3UrlForObject(),
      hash_value_table: p.hashValuesTable.tableName,
      value_lookup_table: p.valueLookupTable.tableName,
      multi_lookup_table: p.multiLookupTable.tableName,
      dq_results_table: p.dqResultsTable.tableName,
      data_lineage_table: p.dataLineageTable?.tableName,
      athena_workgroup: p.athenaWorkgroupName,
      table_format: this.tableFormat === TableFormat.ICEBERG ? TableFormatValue.ICEBERG : TableFormatValue.PARQUET,
      transform_modules: this.modules?.moduleNames.join(','),
    };
    for (const name of Object.keys(values)) {
      if (contractArgument(name).set_by !== 'construct') {
        throw new InsuranceLakeError('Contract.Argument', this, `internal error: the construct sets --${name}, which contract.json says is set by ${contractArgument(name).set_by}`);
      }
    }
    const job = contractJob(key);
    const args: { [key: string]: string } = {};
    for (const [name, required] of [...job.required.map(n => [n, true] as const), ...job.optional.map(n => [n, false] as const)]) {
      const argument = contractArgument(name);
      if (argument.set_by !== 'construct') continue;
      const value = values[name] ?? argument.value;
      if (value !== undefined) {
        args[jobArg(name)] = value;
      } else if (required) {
        throw new InsuranceLakeError('Contract.Argument', this, `internal error: ${job.script} requires --${name}, which contract.json says the construct sets, but the construct has no value for it`);
      }
    }
    return args;
  }

  private createJob(id: string, key: JobKey, role: iam.IRole, options: EtlJobSettings | undefined,
    source: s3.IBucket, target: s3.IBucket): glue.IJob {
    const s = this.settings;
    const p = this.props;
    const spec = contractJob(key);
    const scriptPath = path.join(this.root, spec.script);
    if (!fs.existsSync(scriptPath)) {
      throw new InsuranceLakeError('Jobs.EngineScript', this, `Glue entry script ${scriptPath} not found; engineAssetPath must contain ${JOB_KEYS.map(k => contractJob(k).script).join(', ')} and ${ENGINE_PACKAGE}/`);
    }
    const script = new s3assets.Asset(this, `${id}Script`, { path: scriptPath });
    const modules = options?.additionalPythonModules ?? this.defaultModules;
    const args: { [key: string]: string } = {
      [GlueArg.ENABLE_AUTO_SCALING]: 'true',
      [GlueArg.ENABLE_GLUE_DATACATALOG]: 'true',
      [GlueArg.DATALAKE_FORMATS]: 'iceberg',
      // What Glue provides natively for the engine's Spark packages (spark_packages.json).
      ...nativePackageArguments(sparkPackages(this.root)),
      [GlueArg.CONF]: icebergConf(target),
      ...(modules.length > 0 ? { [GlueArg.ADDITIONAL_PYTHON_MODULES]: modules.join(',') } : {}),
      ...this.contractArguments(key, source, target),
    };
    for (const [name, value] of Object.entries(options?.extraArguments ?? {})) {
      if (name in args) {
        const current = Token.isUnresolved(args[name]) ? '' : ` to "${args[name]}"`;
        throw new InsuranceLakeError('Jobs.ExtraArguments', this, `extraArguments of ${spec.name_suffix} may not replace ${name}, which the construct sets${current}`);
      }
      const refused = name === '--dq_evaluator' && !Token.isUnresolved(value) ? refusedEvaluator(sparkPackages(this.root), value) : undefined;
      if (refused) {
        throw new InsuranceLakeError('Jobs.ExtraArguments', this, `extraArguments of ${spec.name_suffix}: --dq_evaluator ${value} is not available on Glue. ${refused}`);
      }
      args[name] = value;
    }
    const common: glue.PySparkFlexEtlJobProps = {
      jobName: PhysicalName.resource(s.env, s.prefix, spec.name_suffix),
      description: spec.description,
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
      // The L2 wants `/<prefix>` without the trailing slash and writes `s3://<bucket>/<prefix>/`.
      sparkUI: { bucket: p.glueTempBucket, prefix: `/${BucketPrefix.sparkUi(key).replace(/\/$/, '')}` },
      extraPythonFiles: [this.engineAsset, ...(this.modules ? [this.modules.asset] : [])]
        .map(asset => glue.Code.fromBucket(asset.bucket, asset.s3ObjectKey)),
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
    // A configuration bucket of the user's (Configuration.fromBucket) may have a key of its own.
    const configurationKey = p.etlScriptsBucket.encryptionKey;
    if (configurationKey && configurationKey !== p.encryptionKey) {
      this.allow(undefined, new iam.PolicyStatement({
        sid: 'ConfigurationKey',
        actions: ['kms:Decrypt'],
        resources: [configurationKey.keyArn],
      }));
    }
    this.allow(undefined, new iam.PolicyStatement({
      sid: 'ReadEngine',
      actions: ['s3:GetObject'],
      resources: [this.engineAsset, ...(this.modules ? [this.modules.asset] : [])]
        .map(asset => asset.bucket.arnForObjects(asset.s3ObjectKey)),
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
      resources: [arn(stack, { service: 'athena', resource: 'workgroup', resourceName: p.athenaWorkgroupName })],
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
    this.allow('cloudwatch:PutMetricData supports no resource-level permissions; the statement is limited by condition to the Glue namespace and the namespace of the jobs\' own metrics (rows read, written and quarantined per table).',
      new iam.PolicyStatement({
        sid: 'GlueMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': ['Glue', PipelineMetricNames.NAMESPACE] } },
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
}

/** The Iceberg catalog `glue_catalog` (Glue Data Catalog, S3FileIO), warehouse under the target bucket. */
function icebergConf(target: s3.IBucket): string {
  const c = `spark.sql.catalog.${contractArgument('iceberg_catalog').value}`;
  return [
    'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    `${c}=org.apache.iceberg.spark.SparkCatalog`,
    `${c}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
    `${c}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
    `${c}.warehouse=${target.s3UrlForObject(BucketPrefix.ICEBERG_WAREHOUSE)}`,
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
