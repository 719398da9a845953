/**
 * An error's text without query parameters (a failed query's message lists its parameters, which
 * can be session ids or password hashes), with its cause's first line.
 */
export function errorSummary(err: unknown): string {
  if (!(err instanceof Error)) return 'failed';
  const own = err.message.split('\nparams:')[0] ?? err.name;
  const cause = err.cause instanceof Error ? (err.cause.message.split('\n')[0] ?? '') : '';
  return cause ? `${own} (${cause})` : own;
}
