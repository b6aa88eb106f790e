import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { EtlOrchestration, InsuranceLake, LakeMonitoring, PipelineStage } from '../../src';
import { composeSubConstructs, engineRoot, lakeTemplate, testApp, testStack } from '../insurance-lake.fixtures';

// The lake watches itself: alarms that notify its topic, a dashboard fed by the jobs' own metrics,
// metric methods for users' alarms, and stack outputs.

const alarmsOf = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
const alarmNamed = (template: Template, name: string) => {
  const found = alarmsOf(template).filter(a => a.Properties.AlarmName === name);
  expect(found).toHaveLength(1);
  return found[0].Properties;
};

describe('LakeMonitoring in the default lake', () => {
  const { template } = lakeTemplate();

  test('one alarm per failure kind, job, Lambda, dead-letter queue and table, all notifying the lake topic', () => {
    const names = alarmsOf(template).map(a => a.Properties.AlarmName).sort();
    expect(names).toEqual([
      'dev-insurancelake-cleanse-to-consume-job-failures',
      'dev-insurancelake-collect-to-cleanse-job-failures',
      'dev-insurancelake-consume-entity-match-job-failures',
      'dev-insurancelake-etl-data-lineage-throttles',
      'dev-insurancelake-etl-dependency-trigger-errors',
      'dev-insurancelake-etl-dq-results-throttles',
      'dev-insurancelake-etl-hash-values-throttles',
      'dev-insurancelake-etl-job-audit-throttles',
      'dev-insurancelake-etl-lambda-dlq-messages',
      'dev-insurancelake-etl-multi-lookup-throttles',
      'dev-insurancelake-etl-status-update-errors',
      'dev-insurancelake-etl-trigger-errors',
      'dev-insurancelake-etl-value-lookup-throttles',
      'dev-insurancelake-pipeline-aborted-executions',
      'dev-insurancelake-pipeline-failed-executions',
      'dev-insurancelake-pipeline-timed-out-executions',
    ]);
    for (const alarm of alarmsOf(template)) {
      expect(alarm.Properties).toMatchObject({
        AlarmActions: [{ Ref: expect.stringMatching(/^LakeOrchestrationNotificationTopic/) }],
        TreatMissingData: 'notBreaching',
        EvaluationPeriods: 1,
      });
    }
  });

  test('failed, timed-out and aborted executions of the state machine', () => {
    for (const [name, metric] of [['failed', 'ExecutionsFailed'], ['timed-out', 'ExecutionsTimedOut'], ['aborted', 'ExecutionsAborted']]) {
      expect(alarmNamed(template, `dev-insurancelake-pipeline-${name}-executions`)).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metric,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: expect.stringMatching(/^LakeOrchestrationStateMachine/) } }],
      });
    }
  });

  test('each Glue job: its FAILED and TIMEOUT state-change events, counted by EventBridge rules', () => {
    const alarm = alarmNamed(template, 'dev-insurancelake-collect-to-cleanse-job-failures');
    const ids = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
    expect(ids).toEqual([
      { Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Dimensions: [{ Name: 'RuleName', Value: { Ref: expect.stringMatching(/^LakeEtlCollectToCleanseJobFailureMetricRule/) } }] },
      { Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Dimensions: [{ Name: 'RuleName', Value: { Ref: expect.stringMatching(/^LakeEtlCollectToCleanseJobTimeoutMetricRule/) } }] },
    ]);
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
    for (const state of ['FAILED', 'TIMEOUT']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'source': ['aws.glue'],
          'detail-type': ['Glue Job State Change', 'Glue Job Run Status'],
          'detail': { jobName: [{ Ref: Match.stringLikeRegexp('^LakeEtlCollectToCleanseJob') }], state: [state] },
        },
      });
    }
  });

  test('Lambda errors, dead letters (> 0 messages) and table throttles (read + write)', () => {
    expect(alarmNamed(template, 'dev-insurancelake-etl-trigger-errors')).toMatchObject({
      Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1,
    });
    expect(alarmNamed(template, 'dev-insurancelake-etl-lambda-dlq-messages')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const throttles = alarmNamed(template, 'dev-insurancelake-etl-job-audit-throttles');
    expect(throttles.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName))
      .toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
  });

  test('the lake key lets CloudWatch deliver alarms to the encrypted topic, for this account only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'CloudWatchAlarmsKeyAccess',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        })]),
      },
    });
  });

  test('the dashboard: executions, files and rows per job and table from the jobs\' metrics, durations, failures', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].Properties.DashboardName).toBe('dev-insurancelake-pipeline');
    const body = JSON.stringify(dashboards[0].Properties.DashboardBody);
    for (const metric of ['Files', 'RowsRead', 'RowsWritten', 'RowsQuarantined', 'JobDuration']) {
      expect(body).toContain(`SEARCH('{InsuranceLake,Job,Pipeline,Table} MetricName=\\\\\\"${metric}\\\\\\" Pipeline=\\\\\\"`);
    }
    for (const title of ['Executions', 'Execution duration (ms)', 'Rows quarantined', 'Glue job failures and timeouts', 'Lambda errors',
      'Dead-letter queue (messages)', 'DynamoDB throttle events', 'Alarms']) {
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    }
  });

  test('stack outputs: buckets, state machine, topic, workgroup, dashboard', () => {
    const outputs = template.findOutputs('*');
    expect(Object.values(outputs).map((o: any) => o.Description).sort()).toEqual([
      'Athena workgroup for queries of the lake',
      'Cleanse bucket',
      'CloudWatch dashboard of the pipeline',
      'Collect bucket: upload files to <Database>/<Table>/<file>',
      'Consume bucket',
      'ETL state machine',
      'Pipeline notifications and alarms',
    ]);
    template.hasOutput('*', { Value: 'dev-insurancelake', Description: 'Athena workgroup for queries of the lake' });
  });
});

describe('LakeMonitoring options', () => {
  test('monitoring: false and stackOutputs: false: no alarm, dashboard, rule or output; the metric methods still work', () => {
    const { lake, template } = lakeTemplate({ monitoring: false, stackOutputs: false });
    expect(lake.monitoring).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(template.findOutputs('*')).toEqual({});
    expect(lake.metricRowsRead()).toBeDefined();
  });

  test('dashboard: false keeps the alarms; dashboardName and alarmPeriod apply', () => {
    expect(Object.keys(lakeTemplate({ dashboard: false }).template.findResources('AWS::CloudWatch::Dashboard'))).toHaveLength(0);
    const { template } = lakeTemplate({ dashboardName: 'claims-lake', alarmPeriod: Duration.minutes(1) });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'claims-lake' });
    expect(alarmNamed(template, 'dev-insurancelake-etl-trigger-errors').Period).toBe(60);
  });

  test('without entity match, lineage and dependency handling there is nothing of theirs to watch', () => {
    const { template } = lakeTemplate({ entityMatch: false, lineage: false, dependencyHandling: false });
    const names = alarmsOf(template).map(a => a.Properties.AlarmName);
    expect(names).toHaveLength(13);
    expect(names.filter(n => /entity-match|lineage|dependency/.test(n))).toEqual([]);
  });

  test('a topic of the user\'s receives the alarms; its key policy is not touched', () => {
    const stack = testStack();
    const topicKey = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'OpsTopic', { masterKey: topicKey });
    new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), notificationTopic: topic });
    const template = Template.fromStack(stack);
    for (const alarm of alarmsOf(template)) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OpsTopic/) }]);
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('CloudWatchAlarmsKeyAccess');
  });
});

describe('metric methods for users\' own alarms', () => {
  const stack = testStack();
  const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });

  test('rows: over the pipeline, per stage, per table of a stage', () => {
    const total = lake.metricRowsQuarantined() as cloudwatch.Metric;
    expect(total).toMatchObject({ namespace: 'InsuranceLake', metricName: 'RowsQuarantined', statistic: 'Sum' });
    expect(Object.keys(total.dimensions!)).toEqual(['Pipeline']);
    const perTable = lake.metricRowsWritten({ stage: PipelineStage.CLEANSE_TO_CONSUME, table: 'syntheticgeneraldata.policydata', period: Duration.hours(1) }) as cloudwatch.Metric;
    expect(perTable.dimensions).toMatchObject({ Job: 'cleanse_to_consume', Table: 'syntheticgeneraldata.policydata' });
    expect(perTable.period.toMinutes()).toBe(60);
    expect((lake.metricFiles({ stage: PipelineStage.COLLECT_TO_CLEANSE }) as cloudwatch.Metric).metricName).toBe('Files');
  });

  test('a table without its stage is refused with an example', () => {
    expect(() => lake.metricRowsRead({ table: 'a.b' })).toThrow(/\[Monitoring.Options\] .*needs its stage too.*PipelineStage.COLLECT_TO_CLEANSE/);
  });

  test('a user alarm on quarantined rows and on one job\'s failures synthesizes', () => {
    lake.metricRowsQuarantined({ stage: PipelineStage.COLLECT_TO_CLEANSE }).createAlarm(stack, 'TooManyQuarantined', {
      threshold: 100, evaluationPeriods: 1,
    });
    lake.metricJobFailures(lake.cleanseToConsumeJob).createAlarm(stack, 'ConsumeFailures', { threshold: 1, evaluationPeriods: 1 });
    lake.metricFailedExecutions().createAlarm(stack, 'AnyFailure', { threshold: 1, evaluationPeriods: 1 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 100,
      Metrics: [Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: { Namespace: 'InsuranceLake', MetricName: 'RowsQuarantined', Dimensions: Match.arrayWith([{ Name: 'Job', Value: 'collect_to_cleanse' }]) },
          Stat: 'Sum',
        }),
      })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0)' })]) });
  });
});

describe('LakeMonitoring on its own, with the sub-constructs', () => {
  test('alarms to the given topic and the dashboard; clean in the three nag packs', () => {
    const app = testApp();
    const stack = testStack(app);
    const parts = composeSubConstructs(stack);
    const orchestration = new EtlOrchestration(stack, 'Orchestration', {
      encryptionKey: parts.storage.encryptionKey,
      collectBucket: parts.storage.collectBucket,
      etlScriptsBucket: parts.storage.etlScriptsBucket,
      jobAuditTable: parts.tables.jobAuditTable,
      collectToCleanseJob: parts.jobs.collectToCleanseJob,
      cleanseToConsumeJob: parts.jobs.cleanseToConsumeJob,
      consumeEntityMatchJob: parts.jobs.consumeEntityMatchJob,
    });
    const monitoring = new LakeMonitoring(stack, 'Monitoring', {
      orchestration, jobs: parts.jobs, tables: parts.tables, alarmTopicKey: parts.storage.encryptionKey,
    });
    expect(monitoring.alarms).toHaveLength(16);
    expect(monitoring.alarmTopic).toBe(orchestration.notificationTopic);
    expect(monitoring.metricRowsRead({ stage: PipelineStage.COLLECT_TO_CLEANSE }).dimensions)
      .toEqual({ Pipeline: orchestration.stateMachineName, Job: 'collect_to_cleanse' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const findings = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks()]
      .flatMap(pack => pack.validateScope(app).violations.flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`)));
    expect(findings).toEqual([]);
  });
});
