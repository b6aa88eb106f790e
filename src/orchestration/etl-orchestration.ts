import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { EtlOrchestrationProps } from './etl-orchestration-props';
import {
  AuditStatus, ExecutionInput, JobKey, LambdaEnv, Notification, OrchestrationSuffix, PhysicalName, StateResultPath,
  StateSuffix, WorkflowConfig, contractArgument, contractJob, jobArg, stateMachineInput,
} from '../contract';
import { InsuranceLakeError } from '../errors';
import { EnvironmentProfile, LakeSettings, resolveLakeSettings } from '../lake-settings';
import { acknowledgeDocumentWildcards } from '../nag-acknowledgements';
import { DependencyTriggerFunction } from './lambda/dependency-trigger-function';
import { JobAuditorFunction } from './lambda/job-auditor-function';
import { TriggerFunction } from './lambda/trigger-function';

/** Glue errors retried on every Glue task (infrastructure.md §9.3). */
const GLUE_RETRY_ERRORS = [
  'Glue.AWSGlueException',
  'Glue.ConcurrentRunsExceededException',
  'Glue.InternalServiceException',
  'Glue.ResourceNotReadyException',
  'Glue.ResourceNumberLimitExceededException',
  'States.Timeout',
];

/**
 * The ETL workflow: an S3 trigger Lambda on the Collect bucket, the Step Functions state machine
 * that runs collect-to-cleanse, cleanse-to-consume and (optionally) entity match, the job auditor,
 * the notification topic and the dependency trigger.
 *
 * The state names, the execution input, the Glue arguments, the ResultPaths and the SNS message are
 * InsuranceLake's, so existing configuration, Redshift settings and subscribers keep working. Unlike
 * the reference, the auditor and SNS steps are caught (a failing auditor still sends "Job Failed"),
 * and the asynchronously invoked Lambdas have a dead-letter queue.
 *
 * @example
 * new EtlOrchestration(this, 'Orchestration', {
 *   encryptionKey: storage.encryptionKey,
 *   collectBucket: storage.collectBucket,
 *   etlScriptsBucket: storage.etlScriptsBucket,
 *   jobAuditTable: tables.jobAuditTable,
 *   collectToCleanseJob: jobs.collectToCleanseJob,
 *   cleanseToConsumeJob: jobs.cleanseToConsumeJob,
 *   consumeEntityMatchJob: jobs.consumeEntityMatchJob,
 *   notificationEmails: ['data-team@example.com'],
 * });
 */
export class EtlOrchestration extends Construct {
  /** The ETL state machine (`{env}-{prefix}-etl-state-machine`). */
  public readonly stateMachine: sfn.IStateMachine;
  /** Name of the state machine (the `Pipeline` dimension of the jobs' metrics). */
  public readonly stateMachineName: string;
  /** Notification topic: "Job Completed" / "Job Failed" with the message attribute `status`. */
  public readonly notificationTopic: sns.ITopic;
  /** The Collect-bucket trigger (`{env}-{prefix}-etl-trigger`). */
  public readonly triggerFunction: lambda.IFunction;
  /** The job auditor (`{env}-{prefix}-etl-status-update`). */
  public readonly jobAuditorFunction: lambda.IFunction;
  /** The dependency trigger (`{env}-{prefix}-etl-dependency-trigger`), when dependency handling is on. */
  public readonly dependencyTriggerFunction?: lambda.IFunction;
  /** Dead-letter queue of the Lambda functions (failed asynchronous invocations land here). */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Log group of the state machine (level ALL, encrypted with the lake key). */
  public readonly stateMachineLogGroup: logs.ILogGroup;
  /** Names of the states, e.g. `DevInsuranceLakeCleanseGlueJobTask`, keyed by their reference suffix. */
  public readonly stateNames: { [suffix: string]: string };

  private readonly settings: LakeSettings;
  private readonly props: EtlOrchestrationProps;
  private readonly retention: logs.RetentionDays;
  private readonly functions: lambda.Function[] = [];

  constructor(scope: Construct, id: string, props: EtlOrchestrationProps) {
    super(scope, id);
    this.props = props;
    const s = (this.settings = resolveLakeSettings(this, props));
    this.retention = props.logRetention
      ?? (s.profile === EnvironmentProfile.DEV ? logs.RetentionDays.ONE_MONTH : logs.RetentionDays.SIX_MONTHS);
    const prefix = props.logicalIdPrefix ?? 'InsuranceLake';
    const names: { [suffix: string]: string } = {};
    for (const suffix of Object.values(StateSuffix)) names[suffix] = `${s.envTitle}${prefix}${suffix}`;
    this.stateNames = names;

    this.deadLetterQueue = new sqs.Queue(this, 'LambdaDeadLetterQueue', {
      queueName: PhysicalName.resource(s.env, s.prefix, OrchestrationSuffix.DEAD_LETTER_QUEUE),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // ---- Notifications ----
    for (const email of props.notificationEmails ?? []) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        throw new InsuranceLakeError('Orchestration.Email', this, `notificationEmails entry "${email}" is not an e-mail address`);
      }
    }
    const topic = props.notificationTopic ?? this.createTopic();
    this.notificationTopic = topic;
    for (const email of props.notificationEmails ?? []) {
      topic.addSubscription(new subs.EmailSubscription(email));
    }

    // ---- Job auditor and state machine ----
    const auditor = this.createFunction('JobAuditor', OrchestrationSuffix.STATUS_UPDATE, JobAuditorFunction,
      'ETL Step Functions workflow triggered handler to update DynamoDB in case of success or failure',
      { [LambdaEnv.DYNAMODB_TABLE_NAME]: props.jobAuditTable.tableName });
    this.jobAuditorFunction = auditor;

    this.stateMachineLogGroup = new logs.LogGroup(this, 'StateMachineLogGroup', {
      retention: this.retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: s.removalPolicy,
    });
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: PhysicalName.resource(s.env, s.prefix, OrchestrationSuffix.STATE_MACHINE),
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(auditor, topic)),
      tracingEnabled: true,
      logs: { destination: this.stateMachineLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // Publishing to a KMS-encrypted topic: the lake key for the created topic, a given topic's own key.
    const topicKey = props.notificationTopic ? props.notificationTopic.masterKey : props.encryptionKey;
    if (topicKey) {
      machine.addToRolePolicy(new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [topicKey.keyArn],
      }));
    }
    this.stateMachine = machine;
    this.stateMachineName = machine.stateMachineName;

    // ---- Trigger ----
    const trigger = this.createFunction('Trigger', OrchestrationSuffix.TRIGGER, TriggerFunction,
      'Collect S3 Bucket triggered handler to trigger Step Functions workflow', {
        [LambdaEnv.DYNAMODB_TABLE_NAME]: props.jobAuditTable.tableName,
        [LambdaEnv.SFN_STATE_MACHINE_ARN]: machine.stateMachineArn,
        [LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME]: props.etlScriptsBucket.bucketName,
        [LambdaEnv.SNS_TOPIC_ARN]: topic.topicArn,
      });
    this.grantStartExecution(trigger, machine, true);
    // Rejected Collect objects are announced on the topic (decision I11).
    trigger.addToRolePolicy(new iam.PolicyStatement({
      sid: 'NotificationTopicPublish',
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
    }));
    if (topicKey) {
      trigger.addToRolePolicy(new iam.PolicyStatement({
        sid: 'NotificationTopicKeyAccess',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [topicKey.keyArn],
      }));
    }
    trigger.addToRolePolicy(new iam.PolicyStatement({
      sid: 'EtlScriptsS3Access',
      // ListBucket makes a missing -dependent.json a NoSuchKey instead of AccessDenied.
      actions: ['s3:ListBucket'],
      resources: [props.etlScriptsBucket.bucketArn],
    }));
    trigger.addToRolePolicy(new iam.PolicyStatement({
      sid: 'EtlScriptsS3Read',
      actions: ['s3:GetObject'],
      resources: [props.etlScriptsBucket.arnForObjects(`${WorkflowConfig.SPEC_KEY_PREFIX}*`)],
    }));
    // The configuration bucket may be the user's (Configuration.fromBucket), with a key of its own.
    const configurationKey = props.etlScriptsBucket.encryptionKey;
    trigger.addToRolePolicy(new iam.PolicyStatement({
      sid: 'KmsAccess',
      actions: ['kms:Decrypt'],
      resources: [props.encryptionKey.keyArn,
        ...(configurationKey && configurationKey !== props.encryptionKey ? [configurationKey.keyArn] : [])],
    }));
    this.triggerFunction = trigger;
    if (props.collectNotification ?? true) {
      props.collectBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(trigger));
    }

    // ---- Dependency trigger ----
    if (props.dependencyHandling ?? true) {
      const dependency = this.createFunction('DependencyTrigger', OrchestrationSuffix.DEPENDENCY_TRIGGER,
        DependencyTriggerFunction, 'Dependency handler for SNS topic to trigger dependent workflows', {
          [LambdaEnv.DYNAMODB_TABLE_NAME]: props.jobAuditTable.tableName,
          [LambdaEnv.SFN_STATE_MACHINE_ARN]: machine.stateMachineArn,
        });
      this.grantStartExecution(dependency, machine, false);
      topic.addSubscription(new subs.LambdaSubscription(dependency, {
        filterPolicy: {
          [Notification.STATUS_ATTRIBUTE]: sns.SubscriptionFilter.stringFilter({ allowlist: [AuditStatus.SUCCEEDED] }),
        },
      }));
      this.dependencyTriggerFunction = dependency;
    }
    this.acknowledgeFindings(machine);
  }

  /** The notification topic `{env}-{prefix}-etl-notification-topic`, encrypted with the lake key. */
  private createTopic(): sns.ITopic {
    const s = this.settings;
    const p = this.props;
    const topic = new sns.Topic(this, 'NotificationTopic', {
      topicName: PhysicalName.resource(s.env, s.prefix, OrchestrationSuffix.TOPIC),
      displayName: 'InsuranceLake ETL Notifications Topic',
      masterKey: p.encryptionKey,
      enforceSSL: true,
    });
    // SNS uses the key on behalf of this account's topics (delivery to subscribers).
    p.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'SnsEncryptedTopicsKeyAccess',
      principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    return topic;
  }

  /**
   * The arguments a Glue task passes to a job: contract.json's `task_arguments` of the job, each
   * from its `state_machine_inputs` entry. A state-machine argument the job requires but the task
   * does not pass is a bug in the contract (the job would fail at its first run).
   */
  private taskArguments(key: JobKey): { [name: string]: string } {
    const job = contractJob(key);
    const args: { [name: string]: string } = {};
    for (const [name, inputKey] of Object.entries(job.task_arguments)) {
      if (contractArgument(name).set_by !== 'state_machine') {
        throw new InsuranceLakeError('Contract.Argument', this, `internal error: contract.json passes --${name} from the state machine to ${job.script}, but says it is set by ${contractArgument(name).set_by}`);
      }
      const input = stateMachineInput(inputKey);
      const source = input.context ?? input.path!;
      args[jobArg(name)] = input.format
        ? sfn.JsonPath.format(input.format, sfn.JsonPath.stringAt(source))
        : sfn.JsonPath.stringAt(source);
    }
    for (const name of job.required) {
      if (contractArgument(name).set_by === 'state_machine' && !(name in job.task_arguments)) {
        throw new InsuranceLakeError('Contract.Argument', this, `internal error: ${job.script} requires --${name}, which contract.json says the state machine sets, but its task does not pass it`);
      }
    }
    return args;
  }

  /** cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 rev 5) findings this design accepts, each with its reason. */
  private acknowledgeFindings(machine: sfn.StateMachine): void {
    for (const fn of this.functions) {
      const role = fn.role as iam.Role;
      const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
      if (policy) {
        acknowledgeDocumentWildcards(role, policy.document, 'The audit-table statement covers `<table>/index/*` because the trigger and the dependency trigger query the two reference GSIs; the trigger reads `etl/transformation-spec/*` (entity-match and dependency files of any workflow) and describes executions `<state machine>:*` by name to detect duplicate S3 events.');
      }
      const inline = 'Least-privilege inline policy scoped to this function\'s log group, the audit table, the state machine and the scripts bucket (as in the reference), and for the trigger the notification topic; a managed policy would be shared by nothing.';
      Validations.of(role).acknowledge(
        { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inline },
        { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inline },
      );
      const why = 'Orchestration Lambda (trigger, auditor or dependency trigger):';
      Validations.of(fn).acknowledge(
        { id: 'AwsSolutions-L1', reason: `${why} Node.js 22 is the runtime the library targets and tests its bundled handlers on (decision I5); a newer runtime is a deliberate library upgrade.` },
        { id: 'HIPAA.Security-LambdaInsideVPC', reason: `${why} it only calls the DynamoDB, S3 and Step Functions APIs and touches no resource inside a VPC.` },
        { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: `${why} it only calls the DynamoDB, S3 and Step Functions APIs and touches no resource inside a VPC.` },
      );
      if (this.props.lambdaReservedConcurrency === undefined) {
        const concurrency = `${why} one short invocation per file or per workflow; reserving concurrency would throttle bursts of uploads. Set lambdaReservedConcurrency to cap it.`;
        Validations.of(fn).acknowledge(
          { id: 'HIPAA.Security-LambdaConcurrency', reason: concurrency },
          { id: 'NIST.800.53.R5-LambdaConcurrency', reason: concurrency },
        );
      }
    }

    const machinePolicy = machine.role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (machinePolicy) {
      acknowledgeDocumentWildcards(machine.role, machinePolicy.document, 'Generated by aws-cdk-lib for the state machine: X-Ray and CloudWatch Logs delivery actions support no resource narrower than `*`, and the Lambda task may invoke any version of the auditor (`<function ARN>:*`).');
    }
    const inlineMachine = 'Inline policy generated by aws-cdk-lib from the state-machine definition, scoped to the three Glue jobs, the auditor, the topic and the lake key.';
    Validations.of(machine.role).acknowledge(
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: inlineMachine },
      { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: inlineMachine },
    );

    // The S3 notification is implemented by aws-cdk-lib's BucketNotifications custom resource.
    if (this.props.collectNotification ?? true) {
      const stack = Stack.of(this);
      const handler = stack.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
      const why = 'CDK BucketNotifications custom resource: aws-cdk-lib manages its singleton handler, which runs only during deployments to set the Collect bucket\'s notification.';
      if (handler) {
        Validations.of(handler).acknowledge(
          { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${why} It uses the AWSLambdaBasicExecutionRole managed policy for its logs.` },
        );
      }
      const handlerPolicy = this.props.collectBucket.node.tryFindChild('Notifications')?.node.tryFindChild('HandlerPolicy');
      if (handlerPolicy) {
        Validations.of(handlerPolicy).acknowledge(
          { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: `${why} It grants s3:PutBucketNotification on the bucket with an inline policy.` },
          { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: `${why} It grants s3:PutBucketNotification on the bucket with an inline policy.` },
        );
      }
    }
  }

  /** The reference topology (§9.2) with the I6 catches on the auditor and SNS steps. */
  private definition(auditor: lambda.IFunction, topic: sns.ITopic): sfn.IChainable {
    const n = this.stateNames;
    const p = this.props;

    const failed = new sfn.Fail(this, 'EtlFailedState', {
      stateName: n[StateSuffix.FAILED],
      error: 'Error',
      cause: 'End of failure path, root cause from Glue task step',
    });
    const notificationFailed = new sfn.Fail(this, 'EtlNotificationFailedState', {
      stateName: n[StateSuffix.NOTIFICATION_FAILED],
      error: 'NotificationError',
      cause: 'The SNS notification could not be published; see notification_error in the execution history',
    });
    const failurePublish = this.publish('EtlFailurePublishTask', n[StateSuffix.FAILURE_PUBLISH], topic,
      Notification.FAILURE_SUBJECT, AuditStatus.FAILED);
    failurePublish.addCatch(notificationFailed, { resultPath: StateResultPath.NOTIFICATION_ERROR });
    const failureAudit = this.audit('EtlFailureJobAuditUpdateTask', n[StateSuffix.FAILURE_AUDIT], auditor,
      'Update DynamoDB Job Audit Table with failure result and error message');
    // I6: a failing auditor still notifies.
    failureAudit.addCatch(failurePublish, { resultPath: StateResultPath.STATUS_UPDATE_RESULT });
    failureAudit.next(failurePublish);
    failurePublish.next(failed);

    const succeeded = new sfn.Succeed(this, 'EtlSucceededState', { stateName: n[StateSuffix.SUCCEEDED] });
    const successPublish = this.publish('EtlSuccessPublishTask', n[StateSuffix.SUCCESS_PUBLISH], topic,
      Notification.SUCCESS_SUBJECT, AuditStatus.SUCCEEDED);
    successPublish.addCatch(notificationFailed, { resultPath: StateResultPath.NOTIFICATION_ERROR });
    const successAudit = this.audit('EtlSuccessJobAuditUpdateTask', n[StateSuffix.SUCCESS_AUDIT], auditor,
      'Update DynamoDB Job Audit Table with success result');
    // The jobs succeeded but the audit item could not be written: report it as a failure (dependants
    // stay queued, because their look-back reads the audit table).
    successAudit.addCatch(failurePublish, { resultPath: StateResultPath.STATUS_UPDATE_RESULT });
    successAudit.next(successPublish);
    successPublish.next(succeeded);

    const collect = this.glueTask('CollectGlueJobTask', n[StateSuffix.COLLECT], p.collectToCleanseJob,
      'Collect to Cleanse data load and transform', this.taskArguments('collect_to_cleanse'), failureAudit);
    const cleanse = this.glueTask('CleanseGlueJobTask', n[StateSuffix.CLEANSE], p.cleanseToConsumeJob,
      'Cleanse to Consume data load and transform', {
        ...(p.cleanseTaskExtraArguments ?? {}),
        ...this.taskArguments('cleanse_to_consume'),
      }, failureAudit);

    const chain = collect.next(cleanse);
    if (!p.consumeEntityMatchJob) {
      cleanse.next(successAudit);
      return chain;
    }
    const entityMatch = this.glueTask('EntityMatchGlueJobTask', n[StateSuffix.ENTITY_MATCH], p.consumeEntityMatchJob,
      'Consume data Entity Matching', this.taskArguments('consume_entity_match'), failureAudit);
    entityMatch.next(successAudit);
    const choice = new sfn.Choice(this, 'EntityMatchChoice', {
      stateName: n[StateSuffix.ENTITY_MATCH_CHOICE],
      comment: 'Decision node to perform Entity Matching based on workflow configuration',
    });
    choice.when(sfn.Condition.booleanEquals(`$.${ExecutionInput.ENTITY_MATCH}`, true), entityMatch);
    choice.otherwise(successAudit);
    cleanse.next(choice);
    return chain;
  }

  private glueTask(id: string, stateName: string, job: glue.IJob, comment: string,
    args: { [key: string]: string }, onFailure: sfn.IChainable): tasks.GlueStartJobRun {
    const task = new tasks.GlueStartJobRun(this, id, {
      stateName,
      comment,
      glueJobName: job.jobName,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      arguments: sfn.TaskInput.fromObject(args),
      resultPath: StateResultPath.TASK_RESULT,
      outputPath: '$',
    });
    task.addRetry({
      errors: GLUE_RETRY_ERRORS,
      maxAttempts: 4,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    task.addCatch(onFailure, { errors: [sfn.Errors.ALL], resultPath: StateResultPath.TASK_RESULT });
    return task;
  }

  private audit(id: string, stateName: string, fn: lambda.IFunction, comment: string): tasks.LambdaInvoke {
    return new tasks.LambdaInvoke(this, id, {
      stateName,
      comment,
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject({ Input: sfn.JsonPath.entirePayload }),
      resultPath: StateResultPath.STATUS_UPDATE_RESULT,
      outputPath: '$',
      retryOnServiceExceptions: true,
    });
  }

  private publish(id: string, stateName: string, topic: sns.ITopic, subject: string, status: string): tasks.SnsPublish {
    return new tasks.SnsPublish(this, id, {
      stateName,
      topic,
      subject,
      message: sfn.TaskInput.fromJsonPathAt('$'),
      messageAttributes: { [Notification.STATUS_ATTRIBUTE]: { value: status } },
    });
  }

  /** One of the three functions: arm64, explicit encrypted log group, inline least-privilege role, DLQ. */
  private createFunction(id: string, suffix: string,
    kind: new (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function,
    description: string, environment: { [key: string]: string }): lambda.Function {
    const s = this.settings;
    const p = this.props;
    const functionName = PhysicalName.resource(s.env, s.prefix, suffix);
    const logGroup = new logs.LogGroup(this, `${id}LogGroup`, {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: this.retention,
      encryptionKey: p.encryptionKey,
      removalPolicy: s.removalPolicy,
    });
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Role for InsuranceLake ETL Lambda Functions',
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'CloudWatchLogAccess',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'JobAuditTableAccess',
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [p.jobAuditTable.tableArn, `${p.jobAuditTable.tableArn}/index/*`],
    }));
    const fn = new kind(this, id, {
      functionName,
      description,
      architecture: lambda.Architecture.ARM_64,
      memorySize: p.lambdaMemorySize ?? 128,
      timeout: p.lambdaTimeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: p.lambdaReservedConcurrency,
      environment,
      role,
      logGroup,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.functions.push(fn);
    // Lambda adds sqs:SendMessage for the dead-letter queue; the queue is KMS-encrypted.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'DeadLetterQueueKeyAccess',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [p.encryptionKey.keyArn],
    }));
    return fn;
  }

  private grantStartExecution(fn: lambda.IFunction, machine: sfn.StateMachine, describe: boolean): void {
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'StateMachineAccess',
      actions: ['states:StartExecution'],
      resources: [machine.stateMachineArn],
    }));
    if (!describe) return;
    // Duplicate-event detection looks the execution up by its name.
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'StateMachineExecutionRead',
      actions: ['states:DescribeExecution'],
      resources: [Stack.of(this).formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${machine.stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
  }
}
