import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LakeCommonProps } from '../lake-common-props';

/**
 * Settings of the Glue network connections (user options of {@link GlueNetwork}).
 */
export interface GlueNetworkOptions {
  /**
   * Subnets of the Glue connections (one connection per subnet). Only with a VPC.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security group of the Glue connections. Glue requires a self-referencing ingress rule on it.
   * Only with a VPC.
   * @default - a security group with a self-referencing all-TCP ingress rule is created
   */
  readonly securityGroup?: ec2.ISecurityGroup;
}

/**
 * Properties of {@link GlueNetwork}.
 */
export interface GlueNetworkProps extends LakeCommonProps, GlueNetworkOptions {
  /**
   * VPC of the jobs. The subnets need a route to S3, DynamoDB, Glue, KMS and to PyPI (NAT) for the
   * `--additional-python-modules` installs.
   */
  readonly vpc: ec2.IVpc;
}
