import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { InsuranceLake, InsuranceLakeProps } from '../../src';
import { EXAMPLE_CONFIG, composeSubConstructs, destroyAllowedApp, engineRoot, testApp, testStack } from '../insurance-lake.fixtures';

// AwsSolutions, HIPAA Security and NIST 800-53 rev 5 must find nothing that is not acknowledged,
// with a reason, inside the constructs. A new finding fails these tests.

const packs = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks()];

function findings(app: App): string[] {
  return packs().flatMap(pack => pack.validateScope(app).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`)));
}

function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap(c => c.node.metadata
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(m => Object.entries(m.data as Record<string, string>)
      .map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason }))));
}

/** A consumer's VPC for the test: not created by the construct, so its own findings are acknowledged here. */
function consumerVpc(stack: Stack): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3 });
  const reason = 'Test fixture: the consumer app\'s VPC, outside the InsuranceLake construct.';
  Validations.of(vpc).acknowledge(...[
    'AwsSolutions-VPC7',
    'HIPAA.Security-VPCDefaultSecurityGroupClosed', 'HIPAA.Security-VPCFlowLogsEnabled',
    'HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled', 'HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
    'NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'NIST.800.53.R5-VPCFlowLogsEnabled',
    'NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
  ].map(id => ({ id, reason })));
  return vpc;
}

describe('cdk-nag on a full InsuranceLake stack', () => {
  const variants: Array<[string, (stack: Stack) => InsuranceLakeProps]> = [
    ['default props', () => ({})],
    ['with a VPC', (stack) => ({ vpc: consumerVpc(stack) })],
    ['with a topic of the consumer\'s', (stack) => ({
      notificationTopic: new sns.Topic(stack, 'Topic', { masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }), enforceSSL: true }),
    })],
    ['with configuration, DESTROY (allowed) and every option on', () => ({
      configurationPath: EXAMPLE_CONFIG,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptAllTables: true,
      encryptDataCatalog: true,
      notificationEmails: ['ops@example.com'],
    })],
  ];

  test.each(variants)('%s: no unacknowledged finding in AwsSolutions, HIPAA Security, NIST 800-53 rev 5', (_name, props) => {
    const app = destroyAllowedApp();
    const stack = testStack(app);
    new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), ...props(stack) });
    expect(findings(app)).toEqual([]);
  });

  test('every acknowledgement carries a specific reason', () => {
    const app = testApp();
    const stack = testStack(app);
    new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), configurationPath: EXAMPLE_CONFIG, vpc: consumerVpc(stack) });
    const acks = acknowledgements(app).filter(a => !a.id.startsWith('CloudFormation-Validate::'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect({ id: ack.id, reasonLength: ack.reason.length >= 40 }).toEqual({ id: ack.id, reasonLength: true });
    }
  });
});

describe('acknowledgements of the storage, tables, consumer access, network, configuration and jobs constructs', () => {
  // The kinds of finding these constructs acknowledge. Adding one needs a deliberate change here.
  const EXPECTED_RULES = [
    'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1',
    'HIPAA.Security-DynamoDBInBackupPlan', 'HIPAA.Security-IAMNoInlinePolicy', 'HIPAA.Security-LambdaConcurrency',
    'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC', 'HIPAA.Security-S3BucketLoggingEnabled',
    'HIPAA.Security-S3BucketReplicationEnabled', 'HIPAA.Security-S3DefaultEncryptionKMS',
    'NIST.800.53.R5-DynamoDBInBackupPlan', 'NIST.800.53.R5-IAMNoInlinePolicy', 'NIST.800.53.R5-LambdaConcurrency',
    'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC', 'NIST.800.53.R5-S3BucketLoggingEnabled',
    'NIST.800.53.R5-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3DefaultEncryptionKMS',
  ];

  function subConstructApp(): App {
    const app = testApp();
    const stack = testStack(app);
    const vpc = consumerVpc(stack);
    composeSubConstructs(stack, { vpc, configurationPath: EXAMPLE_CONFIG });
    return app;
  }

  test('the sub-constructs used on their own are clean too', () => {
    expect(findings(subConstructApp())).toEqual([]);
  });

  test('only the expected kinds of finding are acknowledged', () => {
    const rules = new Set(acknowledgements(subConstructApp())
      .filter(a => !a.path.startsWith('Lake/Vpc') && /^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5)-/.test(a.id))
      .map(a => a.id.replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual(EXPECTED_RULES);
  });

  test('IAM5 is acknowledged per wildcard, never for a whole policy', () => {
    const iam5 = acknowledgements(subConstructApp()).filter(a => a.id.startsWith('AwsSolutions-IAM5'));
    expect(iam5.length).toBeGreaterThan(5);
    for (const a of iam5) expect(a.id).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
  });
});
