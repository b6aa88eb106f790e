import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { arn } from './arn';
import { ConsumerAccessProps } from './consumer-access-props';
import { BucketPrefix, PhysicalName } from '../contract';
import { resolveLakeSettings } from '../lake-settings';
import { acknowledgeDocumentWildcards } from '../nag-acknowledgements';

/**
 * How the lake is queried: the Athena workgroup (`{env}-{prefix_}`, results encrypted with the lake
 * key in the Glue temp bucket; the cleanse-to-consume job runs its Athena SQL in it too) and the
 * data-lake consumer managed policy to attach to consumers (Redshift, QuickSight, notebooks).
 *
 * @example
 * const access = new ConsumerAccess(this, 'Consumers', {
 *   encryptionKey: storage.encryptionKey, cleanseBucket: storage.cleanseBucket,
 *   consumeBucket: storage.consumeBucket, glueTempBucket: storage.glueTempBucket,
 * });
 */
export class ConsumerAccess extends Construct {
  /** The Athena workgroup. */
  public readonly athenaWorkgroup: athena.CfnWorkGroup;
  /** Name of the Athena workgroup (`{env}-{prefix_}`: carries the environment, decision I1). */
  public readonly athenaWorkgroupName: string;
  /** The consumer managed policy (`{env}-{prefix}-{region}-consumer-policy`), unless switched off. */
  public readonly consumerPolicy?: iam.IManagedPolicy;

  constructor(scope: Construct, id: string, props: ConsumerAccessProps) {
    super(scope, id);
    const s = resolveLakeSettings(this, props);
    const stack = Stack.of(this);
    this.athenaWorkgroupName = PhysicalName.athenaWorkgroup(s.env, s.prefix);
    this.athenaWorkgroup = new athena.CfnWorkGroup(this, 'AthenaWorkgroup', {
      name: this.athenaWorkgroupName,
      description: 'InsuranceLake Athena workgroup',
      recursiveDeleteOption: s.destroy,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: props.glueTempBucket.s3UrlForObject(BucketPrefix.QUERY_RESULTS),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
        },
      },
    });
    if (props.consumerPolicy ?? true) {
      const policy = new iam.ManagedPolicy(this, 'ConsumerPolicy', {
        managedPolicyName: PhysicalName.regional(s.env, s.prefix, stack.region, 'consumer-policy'),
        description: 'InsuranceLake Consumer IAM Managed Policy',
        document: new iam.PolicyDocument({
          minimize: false,
          statements: [
            new iam.PolicyStatement({
              sid: 'S3BucketReadAccess',
              actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
              resources: [props.cleanseBucket, props.consumeBucket].flatMap(b => [b.bucketArn, b.arnForObjects('*')]),
            }),
            new iam.PolicyStatement({
              sid: 'KmsAccess',
              actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
              resources: [props.encryptionKey.keyArn],
            }),
            new iam.PolicyStatement({
              sid: 'AthenaWildcardResourceAccess',
              actions: ['athena:ListWorkGroups', 'athena:ListDataCatalogs', 'athena:GetCatalogs', 'athena:GetNamespaces',
                'athena:GetExecutionEngine', 'athena:GetExecutionEngines', 'athena:GetTables', 'athena:GetTable'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'AthenaWorkgroupAccess',
              actions: ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:GetQueryExecution',
                'athena:BatchGetQueryExecution', 'athena:ListQueryExecutions', 'athena:StopQueryExecution',
                'athena:GetQueryResults', 'athena:GetQueryResultsStream', 'athena:DeleteNamedQuery', 'athena:GetNamedQuery',
                'athena:ListNamedQueries', 'athena:CreateNamedQuery', 'athena:BatchGetNamedQuery'],
              resources: [arn(stack, { service: 'athena', resource: 'workgroup', resourceName: this.athenaWorkgroupName })],
            }),
            new iam.PolicyStatement({
              sid: 'AthenaDataCatalogAccess',
              actions: ['athena:ListDatabases', 'athena:GetDataCatalog', 'athena:GetDatabase', 'athena:GetTableMetadata', 'athena:ListTableMetadata'],
              resources: [arn(stack, { service: 'athena', resource: 'datacatalog', resourceName: '*' })],
            }),
            new iam.PolicyStatement({
              sid: 'GlueCatalogReadAccess',
              actions: ['lakeformation:GetDataAccess', 'glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable',
                'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'GlueTempBucketAccess',
              actions: ['s3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads',
                's3:ListMultipartUploadParts', 's3:AbortMultipartUpload', 's3:PutObject'],
              resources: [props.glueTempBucket.bucketArn, props.glueTempBucket.arnForObjects('*')],
            }),
          ],
        }),
      });
      acknowledgeDocumentWildcards(policy, policy.document, 'Consumers read the tables the jobs create at run time: object access on `<bucket>/*` of Cleanse and Consume, Athena results in the Glue-temp bucket, any data catalog of this account; Athena list actions, lakeformation:GetDataAccess and Glue catalog reads support no narrower resource (as in the reference consumer policy).');
      this.consumerPolicy = policy;
    }
  }
}
