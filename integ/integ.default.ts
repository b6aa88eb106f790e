// Integration snapshot: a complete InsuranceLake with default props, as `new InsuranceLake(stack, 'Lake')`.
// `npx projen integ:update` regenerates integ.default.ts.snapshot/; `npm test` verifies it.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { InsuranceLake } from '../src';

const app = new App();
const stack = new Stack(app, 'InsuranceLakeDefault', { env: { account: '111122223333', region: 'us-east-2' } });
new InsuranceLake(stack, 'Lake');
const integ = new IntegTest(app, 'DefaultLake', { testCases: [stack] });
// The test's assertion stack has no assertions, so no resources: not a finding about the lake.
Validations.of(integ).acknowledge({ id: 'CloudFormation-Validate::F0001', reason: 'the integ-tests assertion stack is empty by design' });
app.synth();
