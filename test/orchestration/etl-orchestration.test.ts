import { Match } from 'aws-cdk-lib/assertions';
import { buildLake, Lake } from './local-run';
import * as contract from '../../src/contract';
import { JOB_KEYS, contractArgument, contractJob } from '../../src/contract';

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

let lake: Lake;
beforeAll(() => { lake = buildLake({ notificationEmails: ['data-team@example.com', 'oncall@example.com'] }); });

const fn = (name: string) => lake.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } });

test('state machine: reference name, X-Ray, ALL-level logging into a log group encrypted with the lake key', () => {
  lake.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    StateMachineName: 'dev-insurancelake-etl-state-machine',
    TracingConfiguration: { Enabled: true },
    LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [Match.anyValue()] },
  });
  const groups = lake.template.findResources('AWS::Logs::LogGroup');
  const encrypted = Object.values(groups).filter((g: any) => g.Properties.KmsKeyId !== undefined);
  expect(encrypted).toHaveLength(Object.keys(groups).length);
  expect(Object.keys(groups)).toHaveLength(4); // state machine + 3 functions
});

test('the state machine may publish to the encrypted topic (kms:GenerateDataKey and kms:Decrypt on the key)', () => {
  lake.template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      })]),
    },
    Roles: [{ Ref: Match.stringLikeRegexp('^OrchestrationStateMachineRole') }],
  });
});

test.each([
  ['dev-insurancelake-etl-trigger', 'Collect S3 Bucket triggered handler to trigger Step Functions workflow', ['DYNAMODB_TABLE_NAME', 'SFN_STATE_MACHINE_ARN', 'GLUE_SCRIPTS_BUCKET_NAME', 'SNS_TOPIC_ARN']],
  ['dev-insurancelake-etl-status-update', 'ETL Step Functions workflow triggered handler to update DynamoDB in case of success or failure', ['DYNAMODB_TABLE_NAME']],
  ['dev-insurancelake-etl-dependency-trigger', 'Dependency handler for SNS topic to trigger dependent workflows', ['DYNAMODB_TABLE_NAME', 'SFN_STATE_MACHINE_ARN']],
])('%s: Node.js 22 on arm64, 128 MB, 10 s, explicit log group, dead-letter queue', (name, description, envVars) => {
  const found = Object.values(fn(name)) as any[];
  expect(found).toHaveLength(1);
  const p = found[0].Properties;
  expect(p).toMatchObject({
    Runtime: 'nodejs22.x',
    Architectures: ['arm64'],
    MemorySize: 128,
    Timeout: 10,
    Description: description,
    Handler: 'index.handler',
    DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/LambdaDeadLetterQueue/), 'Arn'] } },
    LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
  });
  expect(Object.keys(p.Environment.Variables).filter((k) => k !== 'AWS_NODEJS_CONNECTION_REUSE_ENABLED').sort()).toEqual([...envVars].sort());
});

test('the Lambda roles have no managed policy and reach the audit table and its indexes only', () => {
  const roles = lake.template.findResources('AWS::IAM::Role', { Properties: { Description: 'Role for InsuranceLake ETL Lambda Functions' } });
  expect(Object.keys(roles)).toHaveLength(3);
  for (const role of Object.values(roles) as any[]) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  lake.template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Sid: 'JobAuditTableAccess',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: [
          { 'Fn::GetAtt': [Match.stringLikeRegexp('^Audit'), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Audit'), 'Arn'] }, '/index/*']] },
        ],
      })]),
    },
  });
});

test('the trigger may list the scripts bucket and read its transformation specs (NoSuchKey, not AccessDenied)', () => {
  lake.template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'StateMachineAccess', Action: 'states:StartExecution' }),
        Match.objectLike({ Sid: 'EtlScriptsS3Access', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Scripts'), 'Arn'] } }),
        Match.objectLike({
          Sid: 'EtlScriptsS3Read',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Scripts'), 'Arn'] }, '/etl/transformation-spec/*']] },
        }),
      ]),
    },
  });
});

test('the trigger may publish rejections to the notification topic and use its key (decision I11)', () => {
  const trigger = Object.values(fn('dev-insurancelake-etl-trigger'))[0] as any;
  expect(trigger.Properties.Environment.Variables.SNS_TOPIC_ARN).toEqual({ Ref: expect.stringMatching(/^OrchestrationNotificationTopic/) });
  lake.template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'NotificationTopicPublish', Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^OrchestrationNotificationTopic') } }),
        Match.objectLike({
          Sid: 'NotificationTopicKeyAccess',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        }),
      ]),
    },
    Roles: [{ Ref: trigger.Properties.Role['Fn::GetAtt'][0] }],
  });
});

test('topic: reference name and display name, encrypted with the lake key, e-mail subscriptions from props', () => {
  lake.template.hasResourceProperties('AWS::SNS::Topic', {
    TopicName: 'dev-insurancelake-etl-notification-topic',
    DisplayName: 'InsuranceLake ETL Notifications Topic',
    KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
  });
  const emails = lake.template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } });
  expect(Object.values(emails).map((s: any) => s.Properties.Endpoint).sort()).toEqual(['data-team@example.com', 'oncall@example.com']);
});

test('the dependency trigger is subscribed with the filter policy {status: [SUCCEEDED]}', () => {
  lake.template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'lambda',
    FilterPolicy: { status: ['SUCCEEDED'] },
  });
});

test('every ObjectCreated event of the Collect bucket invokes the trigger, with no key filter', () => {
  lake.template.hasResourceProperties('Custom::S3BucketNotifications', {
    BucketName: { Ref: Match.stringLikeRegexp('^Collect') },
    NotificationConfiguration: {
      LambdaFunctionConfigurations: [{
        Events: ['s3:ObjectCreated:*'],
        LambdaFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrchestrationTrigger'), 'Arn'] },
      }],
    },
  });
});

test('the dead-letter queue is encrypted with the lake key and accepts TLS only', () => {
  lake.template.hasResourceProperties('AWS::SQS::Queue', {
    QueueName: 'dev-insurancelake-etl-lambda-dlq',
    KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
  });
  lake.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
});

test('dependencyHandling: false leaves out the dependency trigger and its subscription', () => {
  const lean = buildLake({ dependencyHandling: false });
  expect(lean.orchestration.dependencyTriggerFunction).toBeUndefined();
  expect(Object.keys(lean.template.findResources('AWS::SNS::Subscription'))).toHaveLength(0);
});

test('cleanseTaskExtraArguments (Redshift) reach the cleanse task only', () => {
  const withRedshift = buildLake({ cleanseTaskExtraArguments: { '--redshift_database': 'dev', '--redshift_workgroup_name': 'lake' } });
  const args = (name: string) => (withRedshift.asl.States[name] as any).Parameters.Arguments;
  expect(args('DevInsuranceLakeCleanseGlueJobTask')).toMatchObject({ '--redshift_database': 'dev', '--redshift_workgroup_name': 'lake' });
  expect(args('DevInsuranceLakeCollectGlueJobTask')['--redshift_database']).toBeUndefined();
});

test.each(JOB_KEYS)('%s: its Glue task passes every argument the contract says the state machine sets for the job', (key) => {
  const state = { collect_to_cleanse: 'DevInsuranceLakeCollectGlueJobTask', cleanse_to_consume: 'DevInsuranceLakeCleanseGlueJobTask', consume_entity_match: 'DevInsuranceLakeEntityMatchGlueJobTask' }[key];
  const args = (lake.asl.States[state] as any).Parameters.Arguments;
  const job = contractJob(key);
  const fromStateMachine = [...job.required, ...job.optional].filter(name => contractArgument(name).set_by === 'state_machine').sort();
  expect(Object.keys(args).map(a => a.replace(/^--/, '').replace(/\.\$$/, '')).sort()).toEqual(fromStateMachine);
});

test('a required state-machine argument that no task passes fails the synthesis as an internal error', () => {
  const real = contract.contractJob;
  const spy = jest.spyOn(contract, 'contractJob').mockImplementation(key => {
    const job = real(key);
    if (key !== 'cleanse_to_consume') return job;
    const { base_file_name: _dropped, ...rest } = job.task_arguments;
    return { ...job, task_arguments: rest };
  });
  try {
    expect(() => buildLake()).toThrow(/^\[Contract\.Argument\] Lake\/Orchestration: internal error: etl_cleanse_to_consume\.py requires --base_file_name, which contract\.json says the state machine sets, but its task does not pass it/);
  } finally {
    spy.mockRestore();
  }
});
