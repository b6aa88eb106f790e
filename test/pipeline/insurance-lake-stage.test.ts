import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InsuranceLakeStage } from '../../src';
import { engineRoot } from '../insurance-lake.fixtures';

test('InsuranceLakeStage holds one protected stack with the lake, in the stage environment', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stage = new InsuranceLakeStage(app, 'Prod', {
    env: { account: '111111111111', region: 'eu-west-1' },
    lakeProps: { environmentName: 'prod', engineAssetPath: engineRoot() },
  });
  expect(stage.stack.terminationProtection).toBe(true);
  expect(stage.stack.account).toBe('111111111111');
  expect(stage.lake.environmentName).toBe('prod');
  Template.fromStack(stage.stack).hasResourceProperties('AWS::S3::Bucket', { BucketName: 'prod-insurancelake-111111111111-eu-west-1-collect' });
  const assembly = stage.synth();
  expect(assembly.stacks.map(s => s.stackName)).toEqual(['Prod-InsuranceLake']);
});
