import { Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InsuranceLakeStageProps } from './insurance-lake-stage-props';
import { InsuranceLake } from '../insurance-lake';

/**
 * A CDK Pipelines stage holding one stack with an {@link InsuranceLake}: add it to your pipeline
 * once per environment (`pipeline.addStage(new InsuranceLakeStage(app, 'Dev', {...}))`).
 *
 * @example
 * pipeline.addStage(new InsuranceLakeStage(this, 'Prod', {
 *   env: { account: '111111111111', region: 'us-east-2' },
 *   lakeProps: { environmentName: 'prod' },
 * }));
 */
export class InsuranceLakeStage extends Stage {
  /** The stack that holds the lake. */
  public readonly stack: Stack;
  /** The lake. */
  public readonly lake: InsuranceLake;

  constructor(scope: Construct, id: string, props: InsuranceLakeStageProps = {}) {
    super(scope, id, props);
    this.stack = new Stack(this, 'InsuranceLake', {
      stackName: props.stackName,
      terminationProtection: props.terminationProtection ?? true,
      description: props.stackDescription ?? 'InsuranceLake data lake and ETL (cdk-insurancelake)',
    });
    this.lake = new InsuranceLake(this.stack, 'Lake', props.lakeProps);
  }
}
