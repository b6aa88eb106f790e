#!/usr/bin/env node
// A CDK app with an InsuranceLake and the roles that use it, checked by three cdk-nag packs.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { LakeStack } from '../lib/lake-stack';

export const app = new App();

new LakeStack(app, 'InsuranceLake', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  notificationEmails: process.env.LAKE_NOTIFICATION_EMAIL ? [process.env.LAKE_NOTIFICATION_EMAIL] : [],
});

// AwsSolutions, HIPAA Security and NIST 800-53 rev 5 check the whole app, your own resources
// included: an unacknowledged finding makes `cdk synth` fail with a report.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new NIST80053R5Checks(app));
