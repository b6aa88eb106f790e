import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { composeSubConstructs } from './insurance-lake.fixtures';

// Decision I4: the constructs set every flag-sensitive property themselves, so a consumer app made
// by `cdk init` (many feature flags on) and an app with no flags get the same template.

function template(context: Record<string, unknown>): Record<string, unknown> {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Lake', { env: { account: '123456789012', region: 'us-east-2' } });
  // No configuration deployment: the policy of aws-cdk-lib's singleton BucketDeployment handler (at
  // stack level, out of the constructs' reach) is merged and ordered by @aws-cdk/aws-iam:minimizePolicies.
  composeSubConstructs(stack);
  return normalizePartition(Template.fromStack(stack).toJSON()) as Record<string, unknown>;
}

/**
 * With `@aws-cdk/core:enablePartitionLiterals`, CDK writes the partition of a known region as a
 * literal (`arn:aws:`) instead of `${AWS::Partition}`; both resolve to the same ARN in that region.
 */
function normalizePartition(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizePartition);
  if (value && typeof value === 'object') {
    const join = (value as any)['Fn::Join'];
    if (join && join[0] === '' && join[1].length === 3 && join[1][0] === 'arn:'
      && JSON.stringify(join[1][1]) === '{"Ref":"AWS::Partition"}' && typeof join[1][2] === 'string') {
      return `arn:aws${join[1][2]}`;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizePartition(v)]));
  }
  return value;
}

test('storage, tables, consumer access and jobs synthesize the same under no feature flags and under the cdk init flags', () => {
  const initFlags = { ...cxapi.NEW_PROJECT_DEFAULT_CONTEXT, ...cxapi.CURRENTLY_RECOMMENDED_FLAGS };
  const withFlags = template(initFlags);
  const without = template({});
  if (process.env.FLAG_DIFF) {
    fs.writeFileSync('/tmp/with.json', JSON.stringify(withFlags, null, 1));
    fs.writeFileSync('/tmp/without.json', JSON.stringify(without, null, 1));
  }
  expect(withFlags).toEqual(without);
});
