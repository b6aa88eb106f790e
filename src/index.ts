// Public exports of cdk-insurancelake. Each sub-construct is usable on its own; InsuranceLake composes them.
export * from './lake-common-props';
export * from './storage/data-lake-storage-props';
export * from './storage/data-lake-storage';
export * from './tables/etl-tables-props';
export * from './tables/etl-tables';
export * from './etl/etl-jobs-props';
export * from './etl/etl-jobs';
export * from './orchestration/etl-orchestration-props';
export * from './orchestration/etl-orchestration';
export * from './insurance-lake-props';
export * from './insurance-lake';
export * from './pipeline/insurance-lake-stage-props';
export * from './pipeline/insurance-lake-stage';
