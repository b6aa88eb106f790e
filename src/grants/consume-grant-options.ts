/**
 * Options of {@link InsuranceLake.grantConsume}.
 */
export interface ConsumeGrantOptions {
  /**
   * Also read the Cleanse layer: the Cleanse bucket and the Glue databases the collect-to-cleanse
   * job creates (`<db>`). Cleanse holds every mapped and transformed column of every source table,
   * before the business SQL of Consume selects and aggregates; give it to data engineers, not to
   * report consumers.
   * @default false - Consume only (`<db>_consume` databases and the Consume bucket)
   */
  readonly cleanse?: boolean;
}
