import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { InsuranceLake } from '../../src';
import { engineRoot, testApp, testStack } from '../insurance-lake.fixtures';

// The grants keep the user's own stack clean in the three packs (a managed policy, never an inline
// one; wildcards acknowledged on that policy only) and give exactly the actions each use needs.

function findings(app: App): string[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks()]
    .flatMap(pack => pack.validateScope(app).violations
      .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`)));
}

/** A lake in one stack and the user's roles in another, as a user's app has them. */
function userApp() {
  const app = testApp();
  const lakeStack = testStack(app, 'DataLake');
  const lake = new InsuranceLake(lakeStack, 'Lake', { engineAssetPath: engineRoot() });
  const users = new Stack(app, 'Users', { env: lakeStack.environment === undefined ? undefined : { account: '123456789012', region: 'us-east-2' } });
  const role = (id: string) => new iam.Role(users, id, { assumedBy: new iam.AccountRootPrincipal(), description: `${id} of the test` });
  return { app, lake, users, uploader: role('Uploader'), analyst: role('Analyst'), operator: role('Operator') };
}

function statements(stack: Stack, roleLogicalIdPrefix: string): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${roleLogicalIdPrefix}`) }] },
  })) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** The statements with each import of the lake stack's outputs written `<LogicalId.Attribute>`. */
function readable(value: unknown): any {
  return JSON.parse(JSON.stringify(value).replace(
    /\{"Fn::ImportValue":"DataLake:ExportsOutputFnGetAtt(\w+?)[0-9A-F]{8}(Arn|Name)[0-9A-F]{8}"\}/g, '"<$1.$2>"'));
}
const bucketArn = (prefix: string) => `<LakeStorage${prefix}Bucket.Arn>`;
const objectsOf = (prefix: string, keys = '*') => ({ 'Fn::Join': ['', [bucketArn(prefix), `/${keys}`]] });
const lakeKey = '<LakeStorageKey.Arn>';
const via = (service: string) => ({ 'kms:ViaService': { 'Fn::Join': ['', [`${service}.us-east-2.`, { Ref: 'AWS::URLSuffix' }]] } });
const viaS3 = via('s3');

describe('grants: zero cdk-nag findings in the user\'s stack', () => {
  test('upload, consume (with and without Cleanse) and start-pipeline: no finding on the roles, their policies, or anywhere', () => {
    const { app, lake, users, uploader, analyst, operator } = userApp();
    lake.grantUpload(uploader);
    lake.grantConsume(analyst);
    lake.grantConsume(new iam.Role(users, 'Engineer', { assumedBy: new iam.AccountRootPrincipal() }), { cleanse: true });
    lake.grantStartPipeline(operator);
    Template.fromStack(users).resourceCountIs('AWS::IAM::ManagedPolicy', 4);
    Template.fromStack(users).resourceCountIs('AWS::IAM::Policy', 0);
    expect(findings(app)).toEqual([]);
  });

  test('the same role given the old README line (collectBucket.grantWrite) has findings: the check can fail', () => {
    const { app, lake, uploader } = userApp();
    lake.collectBucket.grantWrite(uploader);
    const found = findings(app).filter(f => f.includes('/Uploader'));
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::.*CollectBucket.*\/\*\] Users\/Uploader\//),
      'HIPAA.Security-IAMNoInlinePolicy Users/Uploader/DefaultPolicy/Resource',
      'NIST.800.53.R5-IAMNoInlinePolicy Users/Uploader/DefaultPolicy/Resource',
    ]));
  });
});

describe('grants: exactly the actions and resources each use needs', () => {
  test('grantUpload: PutObject on Collect objects; the lake key through S3 for Collect only', () => {
    const { lake, users, uploader } = userApp();
    const policy = lake.grantUpload(uploader);
    expect(policy.managedPolicyArn).toBeDefined();
    expect(readable(statements(users, 'Uploader'))).toEqual([
      { Sid: 'PutCollectObjects', Effect: 'Allow', Action: 's3:PutObject', Resource: objectsOf('Collect') },
      {
        Sid: 'EncryptCollectObjects',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: lakeKey,
        Condition: { StringEquals: viaS3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn('Collect'), objectsOf('Collect')] } },
      },
    ]);
  });

  test('grantConsume: Consume objects, *_consume catalog, the workgroup, its results; no Cleanse', () => {
    const { lake, users, analyst } = userApp();
    lake.grantConsume(analyst);
    const st = statements(users, 'Analyst');
    const bySid = Object.fromEntries(st.map(s => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['ReadLakeObjects', 'ListLakeBuckets', 'ReadCatalog', 'QueryInWorkgroup', 'QueryResults', 'QueryResultsLocation', 'DecryptThroughS3']);
    expect(bySid.ReadLakeObjects).toMatchObject({ Action: ['s3:GetObject', 's3:GetObjectVersion'] });
    expect(JSON.stringify(st)).not.toMatch(/Cleanse/);
    const glueArns = bySid.ReadCatalog.Resource.map((r: any) => r['Fn::Join'][1].slice(-1)[0]);
    expect(glueArns).toEqual([':glue:us-east-2:123456789012:catalog', ':glue:us-east-2:123456789012:database/*_consume', ':glue:us-east-2:123456789012:table/*_consume/*']);
    expect(bySid.QueryInWorkgroup.Action).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryResults']));
    expect(bySid.QueryInWorkgroup.Resource['Fn::Join'][1].slice(-1)[0]).toBe(':athena:us-east-2:123456789012:workgroup/dev-insurancelake');
    expect(JSON.stringify(bySid.QueryResults.Resource)).toContain('/query-results/*');
    expect(bySid.QueryResultsLocation.Condition).toEqual({ StringLike: { 's3:prefix': ['query-results/*'] } });
    expect(bySid.DecryptThroughS3.Condition.StringEquals).toEqual(viaS3);
    // No write to the lake's data, no delete anywhere.
    const actions = st.flatMap(s => [s.Action].flat());
    expect(actions.filter(a => /Delete|s3:PutObject$/.test(a) && !JSON.stringify(bySid.QueryResults.Action).includes(a))).toEqual([]);
  });

  test('grantConsume({ cleanse: true }): Cleanse objects and every database as well', () => {
    const { lake, users, analyst } = userApp();
    lake.grantConsume(analyst, { cleanse: true });
    const bySid = Object.fromEntries(statements(users, 'Analyst').map(s => [s.Sid, s]));
    expect(JSON.stringify(bySid.ReadLakeObjects.Resource)).toMatch(/LakeStorageConsumeBucket.*LakeStorageCleanseBucket/);
    expect(bySid.ReadCatalog.Resource.map((r: any) => r['Fn::Join'][1].slice(-1)[0]))
      .toEqual([':glue:us-east-2:123456789012:catalog', ':glue:us-east-2:123456789012:database/*', ':glue:us-east-2:123456789012:table/*/*']);
  });

  test('grantConsume on a lake with an encrypted Data Catalog adds Decrypt through Glue', () => {
    const app = testApp();
    const stack = testStack(app);
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), encryptDataCatalog: true });
    lake.grantConsume(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
    const bySid = Object.fromEntries(statements(stack, 'Analyst').map(s => [s.Sid, s]));
    expect(bySid.DecryptCatalog).toMatchObject({ Action: 'kms:Decrypt', Condition: { StringEquals: via('glue') } });
  });

  test('grantStartPipeline: StartExecution on the state machine; follow and stop its executions', () => {
    const { lake, users, operator } = userApp();
    lake.grantStartPipeline(operator);
    const st = statements(users, 'Operator');
    expect(st.map(s => [s.Sid, s.Action])).toEqual([
      ['StartExecution', 'states:StartExecution'],
      ['ListExecutions', ['states:ListExecutions', 'states:DescribeStateMachine']],
      ['FollowExecutions', ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution']],
    ]);
    expect(st[0].Resource['Fn::ImportValue']).toMatch(/^DataLake:ExportsOutputRefLakeOrchestrationStateMachine/);
    expect(JSON.stringify(st[2].Resource)).toMatch(/:execution:.*LakeOrchestrationStateMachine.*Name.*:\*/);
  });
});

describe('grants: grantees', () => {
  test('a Lambda function: the policy goes to its role; granting twice returns the same policy', () => {
    const stack = testStack();
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });
    const fn = new lambda.Function(stack, 'Loader', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    const first = lake.grantUpload(fn);
    expect(lake.grantUpload(fn)).toBe(first);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('upload files to the Collect bucket'),
      Roles: [{ Ref: Match.stringLikeRegexp('^LoaderServiceRole') }],
    });
  });

  test('users and groups get the policy attached too', () => {
    const stack = testStack();
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });
    lake.grantConsume(new iam.User(stack, 'Alice'));
    lake.grantConsume(new iam.Group(stack, 'Analysts'));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Users: [{ Ref: Match.stringLikeRegexp('^Alice') }] });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Groups: [{ Ref: Match.stringLikeRegexp('^Analysts') }] });
  });

  test('a principal that is no role, user or group is refused with what to do instead', () => {
    const stack = testStack();
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });
    expect(() => lake.grantStartPipeline(new iam.ServicePrincipal('scheduler.amazonaws.com')))
      .toThrow(/\[Grants.Principal\] Lake\/Lake: grantStartPipeline attaches a managed policy to an IAM role, user or group.*create a role it can assume/);
  });
});
