/**
 * The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22. It says
 * nothing about the run at hand, so the CLI (and the tests) keep it off the screen; every other
 * warning still shows.
 */
export function quietSdkNodeVersionNotice(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: any[]) => {
    if (String(warning instanceof Error ? warning.message : warning).startsWith('NodeVersionSupportWarning')) return;
    return (emit as any)(warning, ...rest);
  }) as typeof process.emitWarning;
}
