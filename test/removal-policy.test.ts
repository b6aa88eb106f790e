import { RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { InsuranceLake } from '../src';
import { destroyAllowedApp, engineRoot, testApp, testStack } from './insurance-lake.fixtures';

// removalPolicy: DESTROY deletes data; it takes effect only with the context flag
// cdk-insurancelake:allowDestroy=true. Without it the data stays and the synthesis warns.

function lake(app: ReturnType<typeof testApp>, removalPolicy?: RemovalPolicy) {
  const stack = testStack(app);
  const construct = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), removalPolicy });
  return { stack, construct, template: Template.fromStack(stack) };
}

describe('removalPolicy DESTROY', () => {
  test('without the context flag: everything is retained and a warning says how to opt in', () => {
    const { stack, construct, template } = lake(testApp(), RemovalPolicy.DESTROY);
    expect(construct.removalPolicy).toBe(RemovalPolicy.RETAIN);
    for (const type of ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::KMS::Key']) {
      const policies = Object.values(template.findResources(type)).map((r: any) => r.DeletionPolicy);
      expect(new Set(policies)).toEqual(new Set(['Retain']));
    }
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true }, 6);
    template.hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: false });
    Annotations.fromStack(stack).hasWarning('/Lake/Lake', Match.stringLikeRegexp(
      'removalPolicy is DESTROY, but the context flag cdk-insurancelake:allowDestroy is not true, so .* RETAINED.*cdk deploy -c cdk-insurancelake:allowDestroy=true'));
  });

  test('the warning is given once, by the lake, not again by each sub-construct', () => {
    const { stack } = lake(testApp(), RemovalPolicy.DESTROY);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-insurancelake:allowDestroy'));
    expect(warnings.map(w => w.id)).toEqual(['/Lake/Lake']);
  });

  test('with cdk-insurancelake:allowDestroy=true: data is deleted with the stack, and no warning', () => {
    const { stack, construct, template } = lake(destroyAllowedApp(), RemovalPolicy.DESTROY);
    expect(construct.removalPolicy).toBe(RemovalPolicy.DESTROY);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 6);
    template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false }, 6);
    template.hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: true });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('allowDestroy'))).toEqual([]);
  });

  test('the flag as given on the command line (the string "true") counts too; other values do not', () => {
    const fromCli = testApp();
    fromCli.node.setContext('cdk-insurancelake:allowDestroy', 'true');
    expect(lake(fromCli, RemovalPolicy.DESTROY).construct.removalPolicy).toBe(RemovalPolicy.DESTROY);
    const other = testApp();
    other.node.setContext('cdk-insurancelake:allowDestroy', 'yes');
    expect(lake(other, RemovalPolicy.DESTROY).construct.removalPolicy).toBe(RemovalPolicy.RETAIN);
  });

  test('the flag alone changes nothing: the default stays RETAIN', () => {
    const { construct, template } = lake(destroyAllowedApp());
    expect(construct.removalPolicy).toBe(RemovalPolicy.RETAIN);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
});
