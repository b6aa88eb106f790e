import { StageProps } from 'aws-cdk-lib';
import { InsuranceLakeProps } from '../insurance-lake-props';

/**
 * Properties of {@link InsuranceLakeStage}.
 */
export interface InsuranceLakeStageProps extends StageProps {
  /**
   * Properties of the lake.
   * @default - the defaults of {@link InsuranceLakeProps}
   */
  readonly lakeProps?: InsuranceLakeProps;
  /**
   * Name of the stack in CloudFormation.
   * @default - `<stage name>-InsuranceLake`
   */
  readonly stackName?: string;
  /**
   * Description of the stack.
   * @default 'InsuranceLake data lake and ETL (cdk-insurancelake)'
   */
  readonly stackDescription?: string;
  /**
   * Termination protection of the stack.
   * @default true
   */
  readonly terminationProtection?: boolean;
}
