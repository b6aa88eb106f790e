import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { TransformModules } from './transform-modules';
import { LakeCommonProps } from '../lake-common-props';

/**
 * Options of {@link Configuration.fromAsset}.
 */
export interface ConfigurationAssetOptions {
  /**
   * Check every file of the folder at synth, in Node: names and folders the jobs read, and every
   * transformation spec (with the keys of the lake's `transformModules`, checked when the lake binds
   * the configuration), entity-match spec, dependency file, DQ rules file and mapping CSV against
   * the engine's JSON Schemas. A problem fails the synthesis, naming the file, the JSON path (or CSV
   * line and column) and what was expected. The folder's layout is checked either way.
   * @default true
   */
  readonly validate?: boolean;
  /**
   * Delete files under `etl/` in the bucket that are not in the folder, at every deployment.
   * @default - true for the DEV profile, false otherwise
   */
  readonly prune?: boolean;
  /**
   * Keep the deployed files when the deployment leaves the stack.
   * @default - true unless the lake's removal policy is DESTROY
   */
  readonly retainOnDelete?: boolean;
}

/**
 * What {@link Configuration.bind} needs from the lake.
 */
export interface ConfigurationBindOptions extends LakeCommonProps {
  /** The lake's ETL scripts bucket: a local folder is deployed to `etl/` in it. */
  readonly etlScriptsBucket: s3.IBucket;
  /** The lake key: the deployment writes with it and its log group is encrypted with it. */
  readonly encryptionKey: kms.IKey;
  /**
   * The user's transform modules the jobs load: their transform keys are valid in the specs.
   * @default - only the built-in transforms
   */
  readonly transformModules?: TransformModules;
  /**
   * Retention of the deployment's log group.
   * @default - one month for the DEV profile, six months otherwise
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Where a bound {@link Configuration} lives.
 */
export interface ConfigurationConfig {
  /** The bucket that holds the configuration under `etl/`: the jobs' `--txn_bucket`, read by the trigger. */
  readonly bucket: s3.IBucket;
  /**
   * The deployment of a local folder (for {@link Configuration.fromAsset}).
   * @default - nothing is deployed
   */
  readonly deployment?: s3deploy.BucketDeployment;
}
