import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { LakeMonitoringProps } from './lake-monitoring-props';
import { PipelineMetricOptions } from './pipeline-metric-options';
import { DEFAULT_PERIOD, PipelineMetricKey, jobFailures, pipelineMetric, pipelineMetricPerTable } from './pipeline-metrics';
import { JOB_KEYS, OrchestrationSuffix, PhysicalName, TableSuffix, contractJob } from '../contract';
import { LakeSettings, resolveLakeSettings } from '../lake-settings';

/**
 * Operations for the lake: CloudWatch alarms that notify the lake's topic, and a dashboard.
 *
 * Alarms (each fires on the first event in `alarmPeriod`, missing data is not breaching):
 * failed, timed-out and aborted state-machine executions; failed or timed-out runs of each Glue job
 * (EventBridge "Glue Job State Change" events); errors of the trigger, auditor and dependency
 * Lambdas; messages in their dead-letter queue; read or write throttles of each DynamoDB table.
 *
 * The dashboard shows executions and their duration, files and rows read, written and quarantined
 * per table (custom metrics the jobs publish in the `InsuranceLake` namespace), job durations, job
 * failures, Lambda errors, dead letters and throttles.
 *
 * @example
 * new LakeMonitoring(this, 'Monitoring', { orchestration, jobs, tables });
 */
export class LakeMonitoring extends Construct {
  /** Every alarm, in the order above. */
  public readonly alarms: cloudwatch.IAlarm[] = [];
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The dashboard, unless switched off. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The value of the `Pipeline` dimension of the jobs' metrics: the state machine's name. */
  public readonly pipelineName: string;

  private readonly settings: LakeSettings;
  private readonly props: LakeMonitoringProps;
  private readonly alarmPeriod: cloudwatch.MetricOptions['period'];

  constructor(scope: Construct, id: string, props: LakeMonitoringProps) {
    super(scope, id);
    this.props = props;
    this.settings = resolveLakeSettings(this, props);
    this.alarmPeriod = props.alarmPeriod ?? DEFAULT_PERIOD;
    const o = props.orchestration;
    this.pipelineName = o.stateMachineName;
    this.alarmTopic = props.alarmTopic ?? o.notificationTopic;

    if (props.alarmTopicKey) {
      // CloudWatch publishes alarm notifications to encrypted topics only if it may use their key.
      props.alarmTopicKey.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsKeyAccess',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }));
    }

    const period = this.alarmPeriod;
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    this.alarm('FailedExecutionsAlarm', 'pipeline-failed-executions', o.stateMachine.metricFailed(sum),
      'An execution of the ETL state machine failed (a job, the auditor or the notification failed); the topic also got "Job Failed" for it.');
    this.alarm('TimedOutExecutionsAlarm', 'pipeline-timed-out-executions', o.stateMachine.metricTimedOut(sum),
      'An execution of the ETL state machine timed out.');
    this.alarm('AbortedExecutionsAlarm', 'pipeline-aborted-executions', o.stateMachine.metricAborted(sum),
      'An execution of the ETL state machine was aborted (stopped by hand or by a redeployment).');
    for (const [key, job] of this.jobsByKey()) {
      const suffix = contractJob(key).name_suffix;
      this.alarm(`${pascal(key)}FailuresAlarm`, `${suffix}-failures`, jobFailures(job, { period }),
        `A run of the Glue job ${suffix} failed or timed out (Glue Job State Change FAILED or TIMEOUT); its log is in /aws-glue/jobs.`);
    }
    for (const [suffix, fn] of this.functions()) {
      this.alarm(`${pascal(suffix)}ErrorsAlarm`, `${suffix}-errors`, fn.metricErrors(sum),
        `The Lambda function ${suffix} returned errors.`);
    }
    this.alarm('DeadLetterQueueAlarm', `${OrchestrationSuffix.DEAD_LETTER_QUEUE}-messages`,
      o.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      'An S3 event or notification could not be handled by its Lambda after retries and waits in the dead-letter queue: that file did not start the pipeline.',
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, 0);
    for (const [suffix, table] of this.tablesBySuffix()) {
      this.alarm(`${pascal(suffix)}ThrottlesAlarm`, `${suffix}-throttles`, throttles(table, period),
        `Requests to the DynamoDB table ${suffix} were throttled (read or write throttle events).`);
    }

    if (props.dashboard ?? true) {
      this.dashboard = this.createDashboard(props.dashboardName
        ?? PhysicalName.resource(this.settings.env, this.settings.prefix, 'pipeline'));
    }
  }

  /** Failed executions of the state machine (sum over 5 minutes unless `props` says otherwise). */
  public metricFailedExecutions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.props.orchestration.stateMachine.metricFailed({ period: DEFAULT_PERIOD, ...props });
  }

  /** Failed or timed-out runs of one Glue job (EventBridge "Glue Job State Change" events). */
  public metricJobFailures(job: glue.IJob, props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return jobFailures(job, props);
  }

  /** Rows the jobs read (all jobs, one stage, or one table of a stage). */
  public metricRowsRead(options?: PipelineMetricOptions): cloudwatch.Metric {
    return pipelineMetric(this, this.pipelineName, 'rows_read', options);
  }

  /** Rows the jobs wrote. */
  public metricRowsWritten(options?: PipelineMetricOptions): cloudwatch.Metric {
    return pipelineMetric(this, this.pipelineName, 'rows_written', options);
  }

  /** Rows the data-quality rules quarantined. */
  public metricRowsQuarantined(options?: PipelineMetricOptions): cloudwatch.Metric {
    return pipelineMetric(this, this.pipelineName, 'rows_quarantined', options);
  }

  /** Files the jobs processed (one per job run). */
  public metricFiles(options?: PipelineMetricOptions): cloudwatch.Metric {
    return pipelineMetric(this, this.pipelineName, 'files', options);
  }

  private alarm(id: string, nameSuffix: string, metric: cloudwatch.IMetric, description: string,
    comparison = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, threshold = 1): void {
    const s = this.settings;
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: PhysicalName.resource(s.env, s.prefix, nameSuffix),
      alarmDescription: `InsuranceLake ${s.env}-${s.prefix}: ${description}`,
      metric,
      threshold,
      comparisonOperator: comparison,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }

  private jobsByKey(): Array<[typeof JOB_KEYS[number], glue.IJob]> {
    const j = this.props.jobs;
    const all: Array<[typeof JOB_KEYS[number], glue.IJob | undefined]> = [
      ['collect_to_cleanse', j.collectToCleanseJob],
      ['cleanse_to_consume', j.cleanseToConsumeJob],
      ['consume_entity_match', j.consumeEntityMatchJob],
    ];
    return all.filter((e): e is [typeof JOB_KEYS[number], glue.IJob] => e[1] !== undefined);
  }

  private functions(): Array<[string, lambda.IFunction]> {
    const o = this.props.orchestration;
    const all: Array<[string, lambda.IFunction | undefined]> = [
      [OrchestrationSuffix.TRIGGER, o.triggerFunction],
      [OrchestrationSuffix.STATUS_UPDATE, o.jobAuditorFunction],
      [OrchestrationSuffix.DEPENDENCY_TRIGGER, o.dependencyTriggerFunction],
    ];
    return all.filter((e): e is [string, lambda.IFunction] => e[1] !== undefined);
  }

  private tablesBySuffix(): Array<[string, dynamodb.ITable]> {
    const t = this.props.tables;
    const all: Array<[string, dynamodb.ITable | undefined]> = [
      [TableSuffix.JOB_AUDIT, t.jobAuditTable],
      [TableSuffix.VALUE_LOOKUP, t.valueLookupTable],
      [TableSuffix.MULTI_LOOKUP, t.multiLookupTable],
      [TableSuffix.HASH_VALUES, t.hashValuesTable],
      [TableSuffix.DQ_RESULTS, t.dqResultsTable],
      [TableSuffix.DATA_LINEAGE, t.dataLineageTable],
    ];
    return all.filter((e): e is [string, dynamodb.ITable] => e[1] !== undefined);
  }

  private createDashboard(dashboardName: string): cloudwatch.Dashboard {
    const o = this.props.orchestration;
    const machine = o.stateMachine;
    const s = this.settings;
    const perTable = (key: PipelineMetricKey, title: string, width: number) => new cloudwatch.GraphWidget({
      title, width, height: 6, left: [pipelineMetricPerTable(this.pipelineName, key)], leftYAxis: { min: 0 },
    });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown: `# InsuranceLake ${s.env}-${s.prefix}\nFiles arrive in Collect and run through the state machine; rows are counted by each job `
          + '(custom metrics in the `InsuranceLake` namespace, one line per job and table). Alarms notify the lake\'s topic.',
      }),
    );
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, height: 4, alarms: this.alarms }));
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Executions',
        width: 12,
        height: 6,
        leftYAxis: { min: 0 },
        left: [machine.metricStarted(), machine.metricSucceeded(), machine.metricFailed(), machine.metricTimedOut(), machine.metricAborted()]
          .map(m => m.with({ period: DEFAULT_PERIOD, statistic: cloudwatch.Stats.SUM })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Execution duration (ms)',
        width: 12,
        height: 6,
        leftYAxis: { min: 0 },
        left: [machine.metricTime({ statistic: cloudwatch.Stats.AVERAGE, label: 'average' }),
          machine.metricTime({ statistic: cloudwatch.Stats.MAXIMUM, label: 'maximum' })],
      }),
    );
    dashboard.addWidgets(
      perTable('files', 'Files per job and table', 6),
      perTable('rows_read', 'Rows read', 6),
      perTable('rows_written', 'Rows written', 6),
      perTable('rows_quarantined', 'Rows quarantined', 6),
    );
    dashboard.addWidgets(
      perTable('duration', 'Job duration (s)', 8),
      new cloudwatch.GraphWidget({
        title: 'Glue job failures and timeouts',
        width: 8,
        height: 6,
        leftYAxis: { min: 0 },
        left: this.jobsByKey().map(([key, job]) => jobFailures(job, { label: contractJob(key).name_suffix }, `_${key}`)),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        width: 8,
        height: 6,
        leftYAxis: { min: 0 },
        left: this.functions().map(([suffix, fn]) => fn.metricErrors({ label: suffix, period: DEFAULT_PERIOD })),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue (messages)',
        width: 12,
        height: 6,
        leftYAxis: { min: 0 },
        left: [o.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: DEFAULT_PERIOD })],
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB throttle events',
        width: 12,
        height: 6,
        leftYAxis: { min: 0 },
        left: this.tablesBySuffix().map(([suffix, table], i) => throttles(table, DEFAULT_PERIOD, suffix, `_${i}`)),
      }),
    );
    return dashboard;
  }
}

/** Read and write throttle events of a table, summed. */
function throttles(table: dynamodb.ITable, period: cloudwatch.MetricOptions['period'], label?: string, idSuffix = ''): cloudwatch.IMetric {
  const [read, write] = [`readThrottles${idSuffix}`, `writeThrottles${idSuffix}`];
  return new cloudwatch.MathExpression({
    expression: `FILL(${read}, 0) + FILL(${write}, 0)`,
    usingMetrics: {
      [read]: table.metric('ReadThrottleEvents', { period, statistic: cloudwatch.Stats.SUM }),
      [write]: table.metric('WriteThrottleEvents', { period, statistic: cloudwatch.Stats.SUM }),
    },
    label: label ?? 'Throttle events',
    period,
  });
}

/** `collect_to_cleanse` / `etl-job-audit` → `CollectToCleanse` / `EtlJobAudit`, for construct ids. */
function pascal(name: string): string {
  return name.split(/[-_]/).map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
