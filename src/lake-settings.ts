import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InsuranceLakeError } from './errors';
import { EnvironmentProfile, LakeCommonProps } from './lake-common-props';

// Re-exported for modules that import them from here.
export { EnvironmentProfile } from './lake-common-props';
export type { LakeCommonProps } from './lake-common-props';

/** Resolved, validated common settings. */
export interface LakeSettings {
  readonly env: string;
  readonly prefix: string;
  readonly profile: EnvironmentProfile;
  readonly removalPolicy: RemovalPolicy;
  readonly destroy: boolean;
  /** `Dev` style environment name for the `--environment` job argument. */
  readonly envTitle: string;
}

const NAME_PART = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// Longest region code in use today (e.g. ap-southeast-5) and an account id, for length checks when
// the stack is environment-agnostic.
const MAX_REGION_LENGTH = 14;
const ACCOUNT_LENGTH = 12;

/** Validate and default the common props. Throws with a message that says what to change. */
export function resolveLakeSettings(scope: Construct, props: LakeCommonProps): LakeSettings {
  const env = props.environmentName ?? 'dev';
  const prefix = props.resourcePrefix ?? 'insurancelake';
  if (!NAME_PART.test(env)) {
    throw new InsuranceLakeError('Naming.EnvironmentName', scope, `environmentName "${env}" may only contain lower-case letters, digits and hyphens, and must start and end with a letter or digit (it becomes part of bucket names)`);
  }
  if (!NAME_PART.test(prefix)) {
    throw new InsuranceLakeError('Naming.ResourcePrefix', scope, `resourcePrefix "${prefix}" may only contain lower-case letters, digits and hyphens, and must start and end with a letter or digit (it becomes part of bucket names)`);
  }
  // {env}-{p}-{account}-{region}-access-logs must fit S3's 63 characters; {env}-{p}-{region}-glue-role IAM's 64.
  const region = regionOf(scope);
  const regionLen = region ? region.length : MAX_REGION_LENGTH;
  const bucketLen = env.length + 1 + prefix.length + 1 + ACCOUNT_LENGTH + 1 + regionLen + 1 + 'access-logs'.length;
  if (bucketLen > 63) {
    throw new InsuranceLakeError('Naming.TooLong', scope, `environmentName "${env}" and resourcePrefix "${prefix}" are too long: the bucket name "${env}-${prefix}-<account>-<region>-access-logs" would have ${bucketLen} characters, S3 allows 63. Shorten them by ${bucketLen - 63} characters.`);
  }
  const roleLen = env.length + 1 + prefix.length + 1 + regionLen + 1 + 'glue-role'.length;
  if (roleLen > 64) {
    throw new InsuranceLakeError('Naming.TooLong', scope, `environmentName "${env}" and resourcePrefix "${prefix}" are too long: the IAM role name "${env}-${prefix}-<region>-glue-role" would have ${roleLen} characters, IAM allows 64. Shorten them by ${roleLen - 64} characters.`);
  }
  const removalPolicy = effectiveRemovalPolicy(scope, props.removalPolicy);
  return {
    env,
    prefix,
    profile: props.profile ?? defaultProfile(env),
    removalPolicy,
    destroy: removalPolicy === RemovalPolicy.DESTROY,
    envTitle: env.charAt(0).toUpperCase() + env.slice(1),
  };
}

/**
 * Context key that lets `removalPolicy: DESTROY` take effect (`cdk deploy -c cdk-insurancelake:allowDestroy=true`,
 * or `"cdk-insurancelake:allowDestroy": true` in cdk.json).
 */
export const ALLOW_DESTROY_CONTEXT = 'cdk-insurancelake:allowDestroy';

/**
 * The removal policy that applies: `DESTROY` only when the app says so with the context flag
 * {@link ALLOW_DESTROY_CONTEXT}; otherwise `RETAIN` and a warning that says how to opt in, so that
 * a prop copied from a sandbox never deletes a production lake's data.
 */
function effectiveRemovalPolicy(scope: Construct, requested: RemovalPolicy | undefined): RemovalPolicy {
  if (requested !== RemovalPolicy.DESTROY) return requested ?? RemovalPolicy.RETAIN;
  const flag = scope.node.tryGetContext(ALLOW_DESTROY_CONTEXT);
  if (flag === true || flag === 'true') return RemovalPolicy.DESTROY;
  Annotations.of(scope).addWarningV2('cdk-insurancelake:destroyNotAllowed',
    `removalPolicy is DESTROY, but the context flag ${ALLOW_DESTROY_CONTEXT} is not true, so the key, buckets, tables and log groups are RETAINED. `
    + `To let them be deleted with the stack (with every object in the buckets), set it: cdk deploy -c ${ALLOW_DESTROY_CONTEXT}=true, or "${ALLOW_DESTROY_CONTEXT}": true in cdk.json's context.`);
  return RemovalPolicy.RETAIN;
}

function defaultProfile(env: string): EnvironmentProfile {
  switch (env) {
    case 'dev': return EnvironmentProfile.DEV;
    case 'test': return EnvironmentProfile.TEST;
    default: return EnvironmentProfile.PROD;
  }
}

function regionOf(scope: Construct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/**
 * Feature flags whose value changes the templates of the lake's constructs, pinned on the construct
 * so that the consumer app's flags do not matter (decision I4). Call first in a constructor.
 */
const PINNED_FLAGS: Record<string, boolean> = {
  // Server access logs are delivered by bucket policy, not by ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

export function pinFeatureFlags(scope: Construct): void {
  for (const [flag, value] of Object.entries(PINNED_FLAGS)) {
    scope.node.setContext(flag, value);
  }
}
