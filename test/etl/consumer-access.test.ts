import { Match, Template } from 'aws-cdk-lib/assertions';
import { InsuranceLake } from '../../src';
import { engineRoot, lakeTemplate, testStack } from '../insurance-lake.fixtures';

describe('ConsumerAccess: Athena workgroup and consumer policy', () => {
  const { template, lake } = lakeTemplate();

  test('the Athena workgroup carries the environment, enforces its configuration and encrypts results with the key', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'dev-insurancelake',
      RecursiveDeleteOption: false,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^LakeStorageGlueTempBucket') }, '/query-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeStorageKey'), 'Arn'] } },
        },
      },
    });
  });

  test('the cleanse-to-consume job runs its Athena SQL in the workgroup', () => {
    expect(lake.consumers.athenaWorkgroupName).toBe('dev-insurancelake');
    template.hasResourceProperties('AWS::Glue::Job', {
      Name: 'dev-insurancelake-cleanse-to-consume-job',
      DefaultArguments: Match.objectLike({ '--athena_workgroup': 'dev-insurancelake' }),
    });
  });

  test('the consumer policy reads Cleanse and Consume but not Collect', () => {
    const consumer = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: 'dev-insurancelake-us-east-2-consumer-policy' } });
    const text = JSON.stringify(Object.values(consumer)[0]);
    expect(text).toMatch(/CleanseBucket/);
    expect(text).toMatch(/ConsumeBucket/);
    expect(text).not.toMatch(/CollectBucket/);
  });

  test('consumerPolicy: false keeps the workgroup and drops the policy', () => {
    const stack = testStack();
    const lean = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), consumerPolicy: false });
    const t = Template.fromStack(stack);
    expect(lean.consumerPolicy).toBeUndefined();
    expect(Object.keys(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: Match.stringLikeRegexp('consumer-policy') } }))).toHaveLength(0);
    t.resourceCountIs('AWS::Athena::WorkGroup', 1);
  });
});
