import type { Redis } from 'ioredis';

/** A Redis setting that can lose queued jobs, with what to change. */
export interface DurabilityProblem {
  setting: string;
  found: string;
  want: string;
}

/**
 * Reads the settings BullMQ needs to lose nothing: `maxmemory-policy noeviction`
 * (evicting lock or job keys loses jobs) and AOF on (a restart otherwise loses
 * every acknowledged event). Managed services that hide CONFIG report "unknown".
 */
export async function checkRedisDurability(redis: Redis): Promise<DurabilityProblem[]> {
  const problems: DurabilityProblem[] = [];
  const policy = await readConfig(redis, 'maxmemory-policy');
  if (policy !== 'noeviction')
    problems.push({ setting: 'maxmemory-policy', found: policy, want: 'noeviction' });
  const aof = await readConfig(redis, 'appendonly');
  if (aof !== 'yes') problems.push({ setting: 'appendonly', found: aof, want: 'yes' });
  const fsync = await readConfig(redis, 'appendfsync');
  if (aof === 'yes' && fsync === 'no')
    problems.push({ setting: 'appendfsync', found: fsync, want: 'everysec or always' });
  return problems;
}

async function readConfig(redis: Redis, name: string): Promise<string> {
  try {
    const reply = (await redis.config('GET', name)) as string[];
    return reply[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** One line per problem, for the refusal or the warning at boot. */
export function describeProblems(problems: DurabilityProblem[]): string {
  return problems.map((p) => `  - ${p.setting} is "${p.found}", needs "${p.want}"`).join('\n');
}
