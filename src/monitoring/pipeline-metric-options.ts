import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The stage of the pipeline a job metric belongs to: one of the three Glue jobs (the `Job`
 * dimension of the jobs' custom metrics).
 */
export enum PipelineStage {
  /** The collect-to-cleanse job (rows read from the file, written to Cleanse, quarantined by its DQ rules). */
  COLLECT_TO_CLEANSE = 'collect_to_cleanse',
  /** The cleanse-to-consume job (rows read from Cleanse, written to Consume). */
  CLEANSE_TO_CONSUME = 'cleanse_to_consume',
  /** The consume entity-match job. */
  CONSUME_ENTITY_MATCH = 'consume_entity_match',
}

/**
 * Which of the pipeline's custom metrics to read: all runs of the pipeline, one stage, or one
 * table of one stage. The other {@link cloudwatch.MetricOptions} apply as usual; the dimensions
 * are set from `stage` and `table`.
 */
export interface PipelineMetricOptions extends cloudwatch.MetricOptions {
  /**
   * Only the runs of this job.
   * @default - every job of the pipeline, summed
   */
  readonly stage?: PipelineStage;
  /**
   * Only the runs for this table, written `<database>.<table>` in lower case as the Collect folder
   * names it (e.g. `syntheticgeneraldata.policydata`). Needs `stage`.
   * @default - every table
   */
  readonly table?: string;
}
