import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as glue from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { GlueNetworkProps } from './glue-network-props';
import { PhysicalName } from '../contract';
import { resolveLakeSettings } from '../lake-settings';

/**
 * The network of the Glue jobs: one Glue NETWORK connection per subnet
 * (`{env}-{prefix}-glue-etl-connection-<n>`), all with one security group that has the
 * self-referencing ingress rule Glue requires. Give `connections` to {@link EtlJobs}: every job uses
 * all of them, one per availability zone.
 *
 * @example
 * const network = new GlueNetwork(this, 'Network', { vpc });
 */
export class GlueNetwork extends Construct {
  /** The NETWORK connections, one per subnet. */
  public readonly connections: glue.IConnection[];
  /** Security group of the connections. */
  public readonly securityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: GlueNetworkProps) {
    super(scope, id);
    const s = resolveLakeSettings(this, props);
    let sg = props.securityGroup;
    if (!sg) {
      const created = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: 'Glue connections of the InsuranceLake ETL jobs (self-referencing ingress, as Glue requires)',
        allowAllOutbound: true,
      });
      created.addIngressRule(created, ec2.Port.allTcp(), 'Glue requires a self-referencing rule for all TCP ports');
      sg = created;
    }
    this.securityGroup = sg;
    const subnets = props.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    this.connections = subnets.map((subnet, i) => new glue.Connection(this, `Connection${i + 1}`, {
      type: glue.ConnectionType.NETWORK,
      connectionName: PhysicalName.resource(s.env, s.prefix, `glue-etl-connection-${i + 1}`),
      description: `Data Catalog Connection for InsuranceLake VPC Subnet ${i + 1}`,
      network: glue.ConnectionNetwork.subnet(subnet),
      securityGroups: [sg!],
    }));
  }
}
