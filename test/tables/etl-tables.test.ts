import { App, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EtlTables, EtlTablesProps } from '../../src';
import { destroyAllowedApp, testStack } from '../insurance-lake.fixtures';

function tables(props: Partial<EtlTablesProps> = {}, app?: App) {
  const stack = testStack(app);
  const key = new kms.Key(stack, 'Key');
  const construct = new EtlTables(stack, 'Tables', { encryptionKey: key, ...props });
  return { construct, template: Template.fromStack(stack) };
}

describe('EtlTables', () => {
  test.each([
    ['dev-insurancelake-etl-job-audit', [{ AttributeName: 'execution_id', KeyType: 'HASH' }]],
    ['dev-insurancelake-etl-hash-values', [{ AttributeName: 'hash_key', KeyType: 'HASH' }]],
    ['dev-insurancelake-etl-value-lookup', [{ AttributeName: 'source_system', KeyType: 'HASH' }, { AttributeName: 'column_name', KeyType: 'RANGE' }]],
    ['dev-insurancelake-etl-multi-lookup', [{ AttributeName: 'lookup_group', KeyType: 'HASH' }, { AttributeName: 'lookup_item', KeyType: 'RANGE' }]],
    ['dev-insurancelake-etl-dq-results', [{ AttributeName: 'execution_id', KeyType: 'HASH' }, { AttributeName: 'job_id_action_rule', KeyType: 'RANGE' }]],
    ['dev-insurancelake-etl-data-lineage', [{ AttributeName: 'step_function_execution_id', KeyType: 'HASH' }, { AttributeName: 'job_id_operation_seq', KeyType: 'RANGE' }]],
  ])('%s has the reference keys, on-demand billing, PITR and deletion protection', (name, keySchema) => {
    const { template } = tables();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: name,
        KeySchema: keySchema,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  test('prefix hyphens become underscores in table names', () => {
    const { template } = tables({ resourcePrefix: 'acme-lake' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'dev-acme_lake-etl-job-audit' });
  });

  test('job audit has both GSIs with the reference keys and INCLUDE projections', () => {
    const { template } = tables();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'dev-insurancelake-etl-job-audit',
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'job_start_date_int', AttributeType: 'N' }]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'source_key-job_start_date_int-index',
          KeySchema: [{ AttributeName: 'source_key', KeyType: 'HASH' }, { AttributeName: 'job_start_date_int', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['job_latest_status'] },
        },
        {
          IndexName: 'job_latest_status-dependency_key-index',
          KeySchema: [{ AttributeName: 'job_latest_status', KeyType: 'HASH' }, { AttributeName: 'dependency_key', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['execution_id', 'sfn_execution_name', 'sfn_input', 'source_key'] },
        },
      ],
    });
  });

  test('hash values is encrypted with the customer-managed key, the others with the AWS-owned key', () => {
    const { template } = tables();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'dev-insurancelake-etl-hash-values',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'dev-insurancelake-etl-value-lookup',
      SSESpecification: { SSEEnabled: false },
    });
  });

  test('encryptAllTables puts every table on the key', () => {
    const { template } = tables({ encryptAllTables: true });
    template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS' } }, 6);
  });

  test('lineage off leaves the lineage table out', () => {
    const { construct, template } = tables({ lineage: false });
    template.resourceCountIs('AWS::DynamoDB::Table', 5);
    expect(construct.dataLineageTable).toBeUndefined();
    expect(construct.glueTables).toHaveLength(4);
  });

  test('DESTROY (with the context flag) turns deletion protection off', () => {
    const { template } = tables({ removalPolicy: RemovalPolicy.DESTROY }, destroyAllowedApp());
    template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false }, 6);
  });
});
