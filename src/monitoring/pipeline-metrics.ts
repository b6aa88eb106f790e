import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as glue from 'aws-cdk-lib/aws-glue';
import { IConstruct } from 'constructs';
import { PipelineMetricOptions } from './pipeline-metric-options';
import { PipelineMetricNames } from '../contract';
import { InsuranceLakeError } from '../errors';

// The metrics the lake's alarms, dashboard and metric* methods read. The jobs' own metrics (rows,
// files, duration) are published by the engine (insurancelake_etl/metrics.py) with the names of
// contract.json; Glue job failures come from EventBridge "Glue Job State Change" events.

/** The period of the lake's metrics unless a caller gives another one. */
export const DEFAULT_PERIOD = Duration.minutes(5);

/** Which of the jobs' custom metrics: contract.json `metrics.names` keys. */
export type PipelineMetricKey = keyof typeof PipelineMetricNames.NAMES;

const LABELS: Record<PipelineMetricKey, string> = {
  rows_read: 'Rows read',
  rows_written: 'Rows written',
  rows_quarantined: 'Rows quarantined',
  files: 'Files',
  duration: 'Job duration (s)',
};

/**
 * One of the jobs' custom metrics for the pipeline `pipelineName` (the state machine's name):
 * summed over its jobs, for one stage, or for one table of a stage. Duration is an average, the
 * counts are sums.
 */
export function pipelineMetric(scope: IConstruct, pipelineName: string, key: PipelineMetricKey,
  options: PipelineMetricOptions = {}): cloudwatch.Metric {
  const { stage, table, ...metricOptions } = options;
  if (table !== undefined && stage === undefined) {
    throw new InsuranceLakeError('Monitoring.Options', scope, `a metric for table "${table}" needs its stage too (the jobs publish per-table figures per job), e.g. { stage: PipelineStage.COLLECT_TO_CLEANSE, table: "${table}" }`);
  }
  const d = PipelineMetricNames.DIMENSIONS;
  return new cloudwatch.Metric({
    statistic: key === 'duration' ? cloudwatch.Stats.AVERAGE : cloudwatch.Stats.SUM,
    period: DEFAULT_PERIOD,
    label: LABELS[key],
    ...metricOptions,
    namespace: PipelineMetricNames.NAMESPACE,
    metricName: PipelineMetricNames.NAMES[key],
    dimensionsMap: {
      [d.pipeline]: pipelineName,
      ...(stage !== undefined ? { [d.job]: stage } : {}),
      ...(table !== undefined ? { [d.table]: table } : {}),
    },
  });
}

/**
 * A search over the jobs' custom metric `key` of the pipeline, one line per job and table: for
 * dashboards (tables are only known once files arrive; alarms cannot use searches).
 */
export function pipelineMetricPerTable(pipelineName: string, key: PipelineMetricKey, period: Duration = DEFAULT_PERIOD): cloudwatch.IMetric {
  const d = PipelineMetricNames.DIMENSIONS;
  const stat = key === 'duration' ? 'Average' : 'Sum';
  const schema = `{${PipelineMetricNames.NAMESPACE},${d.job},${d.pipeline},${d.table}}`;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${schema} MetricName="${PipelineMetricNames.NAMES[key]}" ${d.pipeline}="${pipelineName}"', '${stat}', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });
}

/**
 * Runs of the Glue job that failed or timed out: EventBridge rules on its "Glue Job State Change"
 * events (aws-cdk-lib's `metricFailure` / `metricTimeout`, created once per job), summed. They
 * count failures that happen before Spark starts too, which Glue's task metrics miss.
 */
export function jobFailures(job: glue.IJob, options: cloudwatch.MetricOptions = {}, idSuffix = ''): cloudwatch.MathExpression {
  const period = options.period ?? DEFAULT_PERIOD;
  // Ids are unique per graph: several jobs' expressions share one widget (idSuffix tells them apart).
  const [failed, timedOut] = [`failed${idSuffix}`, `timedOut${idSuffix}`];
  return new cloudwatch.MathExpression({
    expression: `FILL(${failed}, 0) + FILL(${timedOut}, 0)`,
    usingMetrics: {
      [failed]: job.metricFailure({ period, statistic: cloudwatch.Stats.SUM }),
      [timedOut]: job.metricTimeout({ period, statistic: cloudwatch.Stats.SUM }),
    },
    label: options.label ?? 'Failed or timed-out runs',
    period,
  });
}
