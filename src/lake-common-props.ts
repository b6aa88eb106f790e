import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * The per-environment behaviour profile of the lake (InsuranceLake's Dev/Test/Prod settings):
 * lifecycle days of the buckets, log retention, pruning of the configuration deployment.
 *
 * Removal of data resources does NOT follow the profile: it is `RETAIN` unless `removalPolicy`
 * says otherwise.
 */
export enum EnvironmentProfile {
  /** Short retention: data expires after 60 days, noncurrent versions after 30; logs kept 1 month. */
  DEV = 'dev',
  /** Data expires after 365 days, noncurrent versions after 90; logs kept 6 months. */
  TEST = 'test',
  /** Data moves to Glacier after 365 days and expires after 3650, noncurrent versions after 180. */
  PROD = 'prod',
}

/**
 * Settings shared by every construct of the lake: naming, profile and removal.
 */
export interface LakeCommonProps {
  /**
   * Environment name; the first part of every physical name (`{env}-{prefix}-…`).
   * Lower-case letters, digits and hyphens.
   * @default 'dev'
   */
  readonly environmentName?: string;

  /**
   * Behaviour profile (lifecycle days, log retention, configuration pruning).
   * @default - `DEV`, `TEST` or `PROD` when `environmentName` is `dev`, `test` or `prod`; otherwise `PROD`
   */
  readonly profile?: EnvironmentProfile;

  /**
   * Resource name prefix; part of bucket, table, job and role names. Lower-case letters, digits and
   * hyphens, starting and ending with a letter or digit.
   * @default 'insurancelake'
   */
  readonly resourcePrefix?: string;

  /**
   * What happens to data resources (key, buckets, tables, log groups) when they leave the stack.
   *
   * `DESTROY` takes effect only when the app sets the context flag `cdk-insurancelake:allowDestroy`
   * to `true` (`cdk deploy -c cdk-insurancelake:allowDestroy=true`, or in cdk.json); it then also
   * empties the buckets (auto-delete objects) and turns DynamoDB deletion protection off. Without
   * the flag the resources are retained and the synthesis shows a warning that says so.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
