import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { checkConfigurationLayout } from './configuration-layout';
import { ConfigurationAssetOptions, ConfigurationBindOptions, ConfigurationConfig } from './configuration-props';
import { ConfigurationProblem, problemLine, validateConfiguration } from './configuration-validation';
import { TransformModules } from './transform-modules';
import { ConfigurationLayout } from '../contract';
import { InsuranceLakeError } from '../errors';
import { EnvironmentProfile, resolveLakeSettings } from '../lake-settings';
import { acknowledgeDocumentWildcards } from '../nag-acknowledgements';

/** Problems listed in a synth error before "and N more". */
const MAX_LISTED_PROBLEMS = 25;

/**
 * The pipeline configuration (transformation specs, mappings, SQL, DQ rules): where the jobs and the
 * trigger read it.
 *
 * A configuration folder has the layout of the ETL scripts bucket, the same folder
 * `insurancelake run --config` and `insurancelake validate --config` take:
 *
 * ```text
 * <configuration folder>/
 *   etl/                                    deployed to etl/ in the ETL scripts bucket, at the same keys
 *     transformation-spec/<DB>-<TBL>.json   transformation spec
 *     transformation-spec/<DB>-<TBL>.csv    schema mapping
 *     transformation-spec/<DB>-entitymatch.json, <DB>-<TBL>-dependent.json
 *     transformation-sql/{spark,athena,redshift}-<DB>-<TBL>.sql
 *     dq-rules/dq-<DB>-<TBL>.json
 *   lookups/lookups.json                    read only by the insurancelake CLI (run, job, ide vscode)
 *   jars/*.jar                              read only by the insurancelake CLI: jars of its local Spark session
 * ```
 *
 * @example
 * new InsuranceLake(this, 'Lake', { configuration: Configuration.fromAsset('config') });
 */
export abstract class Configuration {
  /**
   * A local configuration folder: its `etl/` subfolder is deployed to `etl/` in the ETL scripts
   * bucket (a BucketDeployment), so `etl/transformation-spec/<DB>-<TBL>.json` lands at exactly the
   * key the jobs read. The folder's layout is checked now (a folder without `etl/…` throws
   * `[Configuration.Layout]` with the expected tree), and, unless `validate` is false, every file
   * (`[Configuration.Invalid]`). A spec key the engine does not know may be a transform of the
   * lake's `transformModules`: such a folder, and any folder of a lake with `transformModules`, is
   * checked when the lake binds it, with those transforms.
   *
   * @param folder the configuration folder (the one that contains `etl/`)
   */
  public static fromAsset(folder: string, options: ConfigurationAssetOptions = {}): Configuration {
    return new AssetConfiguration(folder, options);
  }

  /**
   * A configuration that lives in a bucket you manage, under `etl/`: nothing is deployed; the jobs'
   * `--txn_bucket` and the trigger read this bucket, and the lake's roles get read access to it
   * (and `kms:Decrypt` on its key, when the bucket has one).
   */
  public static fromBucket(bucket: s3.IBucket): Configuration {
    return new BucketConfiguration(bucket);
  }

  /** The local configuration folder (absolute), for a configuration from an asset. */
  public abstract readonly folder?: string;
  /** The bucket the configuration lives in, for a configuration from a bucket. */
  public abstract readonly bucket?: s3.IBucket;

  /**
   * Called by the lake: deploy the configuration if it is local, and say which bucket holds it.
   * A local folder is deployed by a `Configuration` construct created in `scope`.
   */
  public abstract bind(scope: Construct, options: ConfigurationBindOptions): ConfigurationConfig;
}

class AssetConfiguration extends Configuration {
  public readonly folder: string;
  public readonly bucket?: s3.IBucket = undefined;

  /** Whether the files must be checked again at bind: a spec uses a key the engine does not know. */
  private readonly unknownKeys: boolean = false;

  constructor(private readonly original: string, private readonly options: ConfigurationAssetOptions) {
    super();
    this.folder = path.resolve(original);
    checkConfigurationLayout(this.folder);
    if (options.validate ?? true) {
      // Checked now; a transform key the engine does not know may be one of the lake's
      // transformModules, so that case waits for bind.
      const problems = validateConfiguration(this.folder);
      this.unknownKeys = problems.some(isTransformKeyProblem);
      if (!this.unknownKeys) this.fail(problems, undefined);
    }
  }

  /** The problems as one `[Configuration.Invalid]` error, when there are any. */
  private fail(problems: ConfigurationProblem[], modules: TransformModules | undefined): void {
    const original = this.original;
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(p => `  ${problemLine(p)}`);
      if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  … and ${problems.length - MAX_LISTED_PROBLEMS} more`);
      const transforms = modules ? ` --transforms ${modules.folder}` : '';
      throw new InsuranceLakeError('Configuration.Invalid', undefined,
        `configuration folder "${this.folder}" has ${problems.length} problem${problems.length === 1 ? '' : 's'} the jobs would fail on:\n`
        + `${listed.join('\n')}\n`
        + `Fix them (insurancelake validate --config ${original}${transforms} checks a folder), or pass { validate: false } to Configuration.fromAsset to skip this check.`);
    }
  }

  public bind(scope: Construct, options: ConfigurationBindOptions): ConfigurationConfig {
    if ((this.options.validate ?? true) && (this.unknownKeys || options.transformModules)) {
      this.fail(validateConfiguration(this.folder, options.transformModules?._specSchema), options.transformModules);
    }
    const s = resolveLakeSettings(scope, options);
    const container = new Construct(scope, 'Configuration');
    const deployed = ConfigurationLayout.deployed_folder;
    const logGroup = new logs.LogGroup(container, 'DeploymentLogs', {
      encryptionKey: options.encryptionKey,
      retention: options.logRetention
        ?? (s.profile === EnvironmentProfile.DEV ? logs.RetentionDays.ONE_MONTH : logs.RetentionDays.SIX_MONTHS),
      removalPolicy: s.removalPolicy,
    });
    const deployment = new s3deploy.BucketDeployment(container, 'Deployment', {
      sources: [s3deploy.Source.asset(path.join(this.folder, deployed))],
      destinationBucket: options.etlScriptsBucket,
      destinationKeyPrefix: `${deployed}/`,
      prune: this.options.prune ?? s.profile === EnvironmentProfile.DEV,
      retainOnDelete: this.options.retainOnDelete ?? !s.destroy,
      memoryLimit: 256,
      logGroup,
    });
    options.encryptionKey.grantEncryptDecrypt(deployment.handlerRole);
    acknowledgeDeploymentHandler(deployment);
    return { bucket: options.etlScriptsBucket, deployment };
  }
}

class BucketConfiguration extends Configuration {
  public readonly folder?: string = undefined;

  constructor(public readonly bucket: s3.IBucket) {
    super();
  }

  public bind(_scope: Construct, _options: ConfigurationBindOptions): ConfigurationConfig {
    return { bucket: this.bucket };
  }
}

/** An unknown or invalid key of `transform_spec`: maybe a transform of the lake's transformModules. */
function isTransformKeyProblem(problem: ConfigurationProblem): boolean {
  return /^\$\.transform_spec\.[^.[]+$/.test(problem.path) && /^(unknown|invalid) key /.test(problem.message);
}

/** cdk-nag findings of aws-cdk-lib's BucketDeployment handler, acknowledged with their reasons. */
function acknowledgeDeploymentHandler(deployment: s3deploy.BucketDeployment): void {
  const handler = deployment.handlerRole.node.scope;
  const defaultPolicy = deployment.handlerRole.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  if (handler && defaultPolicy) {
    acknowledgeDocumentWildcards(handler, defaultPolicy.document, 'CDK BucketDeployment custom resource: aws-cdk-lib grants its handler read on the asset and read/write/delete on the destination bucket (`etl/*` objects) with wildcard S3 and KMS actions, to sync the configuration folder.');
  }
  if (!handler) return;
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
