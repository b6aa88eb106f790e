import * as path from 'path';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InsuranceLake } from 'cdk-insurancelake';
import { Construct } from 'constructs';

/** Settings of the example stack. */
export interface LakeStackProps extends StackProps {
  /**
   * The configuration folder (it contains `etl/`).
   * @default - `../../config`: examples/config of the cdk-insurancelake repository, copied beside this app
   */
  readonly configurationPath?: string;
  /** E-mail addresses for the pipeline's notifications and alarms. */
  readonly notificationEmails?: string[];
}

/**
 * The lake and the three kinds of people who use it: an uploader (source systems dropping files
 * into Collect), an analyst (Athena on Consume) and an operator (re-runs by hand or on a schedule).
 */
export class LakeStack extends Stack {
  public readonly lake: InsuranceLake;
  public readonly uploaderRole: iam.Role;
  public readonly analystRole: iam.Role;
  public readonly operatorRole: iam.Role;

  constructor(scope: Construct, id: string, props: LakeStackProps = {}) {
    super(scope, id, props);

    this.lake = new InsuranceLake(this, 'Lake', {
      environmentName: 'dev',
      configurationPath: props.configurationPath ?? path.join(__dirname, '..', '..', 'config'),
      notificationEmails: props.notificationEmails,
      // On by default, written out here: alarms to the lake's topic, a dashboard, stack outputs.
      monitoring: true,
      stackOutputs: true,
    });

    // Roles that people (or other accounts' tools) in this account assume. Each grant attaches one
    // customer-managed policy: no inline policy, so the three nag packs stay clean here too.
    this.uploaderRole = new iam.Role(this, 'UploaderRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Uploads source files to the lake\'s Collect bucket',
    });
    this.lake.grantUpload(this.uploaderRole);

    this.analystRole = new iam.Role(this, 'AnalystRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Queries the lake\'s Consume layer with Athena',
    });
    this.lake.grantConsume(this.analystRole);

    this.operatorRole = new iam.Role(this, 'OperatorRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Starts and follows the lake\'s pipeline executions',
    });
    this.lake.grantStartPipeline(this.operatorRole);
  }
}
