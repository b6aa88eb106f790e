import * as kms from 'aws-cdk-lib/aws-kms';
import { LakeCommonProps } from '../lake-common-props';

/**
 * Settings of the ETL tables (user options of {@link EtlTables}).
 */
export interface EtlTablesOptions {
  /**
   * Encrypt every table with the lake key, not only the hash-values table.
   * Readers and writers of the tables then also need `kms:Decrypt` on the key (the `grant*`
   * methods of the tables add it).
   * @default false - the other tables use DynamoDB's AWS-owned key, as the reference does
   */
  readonly encryptAllTables?: boolean;

  /**
   * Create the data-lineage table (the jobs then receive `--data_lineage_table`).
   * @default true
   */
  readonly lineage?: boolean;
}

/**
 * Properties of {@link EtlTables}.
 */
export interface EtlTablesProps extends LakeCommonProps, EtlTablesOptions {
  /**
   * Key for the table that holds raw sensitive values (hash values), and for every table when
   * `encryptAllTables` is on.
   */
  readonly encryptionKey: kms.IKey;
}
