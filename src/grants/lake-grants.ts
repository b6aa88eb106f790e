import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { GrantPolicySpec } from './grant-policy';
import { BucketPrefix } from '../contract';
import { arn } from '../etl/arn';

// The statements of InsuranceLake.grantUpload / grantConsume / grantStartPipeline. Each is as narrow
// as the lake allows: object keys and Glue names arrive at run time, so a few wildcards remain, and
// grant-policy.ts acknowledges exactly those on the policy that carries them.

/** What the upload grant needs to know about the lake. */
export interface UploadGrantResources {
  readonly collectBucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
}

/** What the consume grant needs to know about the lake. */
export interface ConsumeGrantResources {
  readonly consumeBucket: s3.IBucket;
  readonly cleanseBucket: s3.IBucket;
  readonly glueTempBucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  readonly athenaWorkgroupName: string;
  /** The Glue Data Catalog is encrypted with the lake key (`encryptDataCatalog`). */
  readonly encryptedCatalog: boolean;
}

/** The S3 endpoint of the stack's region, for `kms:ViaService`. */
function s3Service(stack: Stack): string {
  return `s3.${stack.region}.${stack.urlSuffix}`;
}

/**
 * Use of the lake key through S3 only, for objects of these buckets: with S3 Bucket Keys the
 * encryption context is the bucket ARN, without them the object ARN.
 */
function keyThroughS3(stack: Stack, sid: string, key: kms.IKey, actions: string[], buckets: s3.IBucket[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions,
    resources: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': s3Service(stack) },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': buckets.flatMap(b => [b.bucketArn, b.arnForObjects('*')]) },
    },
  });
}

/** Write new files to Collect (each starts the pipeline), nothing else. */
export function uploadGrant(stack: Stack, r: UploadGrantResources): Omit<GrantPolicySpec, 'method'> {
  return {
    kind: 'Upload',
    description: 'InsuranceLake: upload files to the Collect bucket (each new object starts the pipeline)',
    statements: [
      new iam.PolicyStatement({
        sid: 'PutCollectObjects',
        actions: ['s3:PutObject'],
        resources: [r.collectBucket.arnForObjects('*')],
      }),
      // S3 asks KMS for a data key on every upload; a multipart upload (what the AWS CLI and SDKs
      // use above 8 MB) also needs Decrypt to complete. Only through S3, only for Collect objects.
      keyThroughS3(stack, 'EncryptCollectObjects', r.encryptionKey, ['kms:GenerateDataKey', 'kms:Decrypt'], [r.collectBucket]),
    ],
    wildcardReason: 'An uploader writes files under keys it chooses (`<Database>/<Table>/…/<file>`), so s3:PutObject is granted on `<Collect bucket>/*`; nothing else in the bucket (no read, list or delete).',
  };
}

/** Query the Consume layer (and, with `cleanse`, Cleanse) with Athena in the lake's workgroup. */
export function consumeGrant(stack: Stack, r: ConsumeGrantResources, cleanse: boolean): Omit<GrantPolicySpec, 'method'> {
  const dataBuckets = cleanse ? [r.consumeBucket, r.cleanseBucket] : [r.consumeBucket];
  const results = r.glueTempBucket.arnForObjects(`${BucketPrefix.QUERY_RESULTS}*`);
  const glue = (resource: string, resourceName?: string) => arn(stack, { service: 'glue', resource, resourceName });
  // Consume databases are `<db>_consume`; Cleanse databases are named after the Collect folder.
  const databases = cleanse ? ['*'] : ['*_consume'];
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadLakeObjects',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: dataBuckets.map(b => b.arnForObjects('*')),
    }),
    new iam.PolicyStatement({
      sid: 'ListLakeBuckets',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: dataBuckets.map(b => b.bucketArn),
    }),
    new iam.PolicyStatement({
      sid: 'ReadCatalog',
      actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition',
        'glue:GetPartitions', 'glue:BatchGetPartition'],
      resources: [glue('catalog'), ...databases.map(d => glue('database', d)), ...databases.map(d => glue('table', `${d}/*`))],
    }),
    new iam.PolicyStatement({
      sid: 'QueryInWorkgroup',
      actions: ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution',
        'athena:BatchGetQueryExecution', 'athena:ListQueryExecutions', 'athena:GetQueryResults', 'athena:GetQueryResultsStream'],
      resources: [arn(stack, { service: 'athena', resource: 'workgroup', resourceName: r.athenaWorkgroupName })],
    }),
    new iam.PolicyStatement({
      sid: 'QueryResults',
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [results],
    }),
    new iam.PolicyStatement({
      sid: 'QueryResultsLocation',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [r.glueTempBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${BucketPrefix.QUERY_RESULTS}*`] } },
    }),
    // Reading lake objects and the encrypted query results (the workgroup writes them with the key).
    keyThroughS3(stack, 'DecryptThroughS3', r.encryptionKey, ['kms:Decrypt', 'kms:GenerateDataKey'], [...dataBuckets, r.glueTempBucket]),
  ];
  if (r.encryptedCatalog) {
    statements.push(new iam.PolicyStatement({
      sid: 'DecryptCatalog',
      actions: ['kms:Decrypt'],
      resources: [r.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `glue.${stack.region}.${stack.urlSuffix}` } },
    }));
  }
  return {
    kind: cleanse ? 'ConsumeCleanse' : 'Consume',
    description: cleanse
      ? 'InsuranceLake: query the Consume and Cleanse layers with Athena in the lake workgroup'
      : 'InsuranceLake: query the Consume layer with Athena in the lake workgroup',
    statements,
    wildcardReason: 'The jobs create the tables and their files at run time, named after the Collect folders: object reads are on `<bucket>/*` of the '
      + (cleanse ? 'Consume and Cleanse buckets, catalog reads on every database of this account and region (Cleanse databases take any name)'
        : 'Consume bucket, catalog reads on the `*_consume` databases and their tables')
      + '; Athena writes each query\'s results under a new key in `query-results/` of the Glue-temp bucket.',
  };
}

/** Start executions of the state machine by hand (or from a schedule) and follow them. */
export function startPipelineGrant(stack: Stack, stateMachine: sfn.IStateMachine, stateMachineName: string): Omit<GrantPolicySpec, 'method'> {
  return {
    kind: 'StartPipeline',
    description: 'InsuranceLake: start the ETL state machine and follow its executions',
    statements: [
      new iam.PolicyStatement({
        sid: 'StartExecution',
        actions: ['states:StartExecution'],
        resources: [stateMachine.stateMachineArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListExecutions',
        actions: ['states:ListExecutions', 'states:DescribeStateMachine'],
        resources: [stateMachine.stateMachineArn],
      }),
      new iam.PolicyStatement({
        sid: 'FollowExecutions',
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'],
        resources: [arn(stack, {
          service: 'states',
          resource: 'execution',
          resourceName: `${stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })],
      }),
    ],
    wildcardReason: 'Executions are named when they start (one per file), so describing, following and stopping them is granted on `execution:<state machine>:*` of this state machine only.',
  };
}
