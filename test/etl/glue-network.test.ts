import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GlueNetwork, InsuranceLake, InsuranceLakeProps } from '../../src';
import { composeSubConstructs, engineRoot, lakeTemplate, testStack } from '../insurance-lake.fixtures';

const JOBS = [
  'dev-insurancelake-collect-to-cleanse-job',
  'dev-insurancelake-cleanse-to-consume-job',
  'dev-insurancelake-consume-entity-match-job',
];

function connectionsOf(template: Template, name: string): unknown[] {
  const found = Object.values(template.findResources('AWS::Glue::Job', { Properties: { Name: name } })) as any[];
  expect(found).toHaveLength(1);
  return found[0].Properties.Connections?.Connections ?? [];
}

describe('GlueNetwork', () => {
  function vpcLake(extra: Partial<InsuranceLakeProps> = {}) {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3 });
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), vpc, ...extra });
    return { lake, vpc, template: Template.fromStack(stack) };
  }

  test('one NETWORK connection per private subnet, all on every job, with a self-referencing TCP rule', () => {
    const { template, lake } = vpcLake();
    template.resourceCountIs('AWS::Glue::Connection', 3);
    template.hasResourceProperties('AWS::Glue::Connection', {
      ConnectionInput: Match.objectLike({ ConnectionType: 'NETWORK', Name: 'dev-insurancelake-glue-etl-connection-1' }),
    });
    for (const name of JOBS) expect(connectionsOf(template, name)).toHaveLength(3);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 0,
      ToPort: 65535,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeNetworkSecurityGroup'), 'GroupId'] },
    });
    expect(lake.network?.connections).toHaveLength(3);
  });

  test('a given security group and subnet selection are used as they are', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Mine', { vpc });
    const network = new GlueNetwork(stack, 'Network', { vpc, securityGroup: sg, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Glue::Connection', 2);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    expect(network.securityGroup).toBe(sg);
    template.hasResourceProperties('AWS::Glue::Connection', {
      ConnectionInput: Match.objectLike({
        PhysicalConnectionRequirements: Match.objectLike({ SecurityGroupIdList: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'GroupId'] }] }),
      }),
    });
  });

  test('used on its own, its connections go to the jobs', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    composeSubConstructs(stack, { vpc });
    const template = Template.fromStack(stack);
    for (const name of JOBS) expect(connectionsOf(template, name)).toHaveLength(2);
  });

  test('without a VPC the jobs have no connections', () => {
    const { template } = lakeTemplate();
    template.resourceCountIs('AWS::Glue::Connection', 0);
    for (const name of JOBS) expect(connectionsOf(template, name)).toEqual([]);
  });

  test('subnets or securityGroup without vpc are rejected', () => {
    expect(() => lakeTemplate({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow(/^\[Network\.NoVpc\] Lake\/Lake: subnets and securityGroup place the Glue connections in a VPC; give vpc as well/);
  });
});
