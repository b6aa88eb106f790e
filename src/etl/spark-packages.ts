import * as fs from 'fs';
import * as path from 'path';

/** How a Glue 5.1 job gets one of the engine's Spark packages (`spark_packages.json`). */
export interface SparkPackageDeclaration {
  readonly name: string;
  readonly coordinate: string;
  readonly feature: string;
  readonly glue: 'native' | 'extra_jars' | 'refused';
  readonly glue_note: string;
  readonly glue_arguments?: Record<string, string>;
}

/** The engine's declaration file, inside the engine package. */
export const SPARK_PACKAGES_FILE = path.join('insurancelake_etl', 'spark_packages.json');

/**
 * The engine's Spark packages as `spark_packages.json` in the engine folder `root` declares them;
 * empty when the folder has none (an engine of the user's own).
 */
export function sparkPackages(root: string): SparkPackageDeclaration[] {
  const file = path.join(root, SPARK_PACKAGES_FILE);
  if (!fs.existsSync(file)) return [];
  return JSON.parse(fs.readFileSync(file, 'utf-8')).packages;
}

/** The job arguments Glue needs for the packages it provides natively (e.g. `--datalake-formats iceberg`). */
export function nativePackageArguments(packages: SparkPackageDeclaration[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const p of packages) {
    if (p.glue === 'native') Object.assign(args, p.glue_arguments ?? {});
  }
  return args;
}

/** The reason an `--dq_evaluator` value is refused on Glue, or undefined when it is not. */
export function refusedEvaluator(packages: SparkPackageDeclaration[], value: string): string | undefined {
  return packages.find(p => p.glue === 'refused' && p.feature === `--dq_evaluator ${value.toLowerCase()}`)?.glue_note;
}
