import { ArnComponents, Aws, Stack } from 'aws-cdk-lib';

/** An ARN in the stack's account and region, partition-aware whatever the app's feature flags say (decision I3). */
export function arn(stack: Stack, components: ArnComponents): string {
  return stack.formatArn({ partition: Aws.PARTITION, ...components });
}
