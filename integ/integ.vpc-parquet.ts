// Integration snapshot: a lake in a VPC (Glue network connection), Hive-style Parquet tables,
// lineage and entity match off, notification e-mails.
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { InsuranceLake, TableFormat } from '../src';

const app = new App();
// Environment-agnostic: the VPC spreads over Fn::GetAZs instead of looking the zones up.
const stack = new Stack(app, 'InsuranceLakeVpcParquet');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
new InsuranceLake(stack, 'Lake', {
  environmentName: 'test',
  vpc,
  tableFormat: TableFormat.PARQUET,
  lineage: false,
  entityMatch: false,
  notificationEmails: ['data-team@example.com'],
});
const integ = new IntegTest(app, 'VpcParquetLake', { testCases: [stack] });
// The test's assertion stack has no assertions, so no resources: not a finding about the lake.
Validations.of(integ).acknowledge({ id: 'CloudFormation-Validate::F0001', reason: 'the integ-tests assertion stack is empty by design' });
app.synth();
