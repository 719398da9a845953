import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BROADCAST_SCRIPT } from './script.js';

/** A script the broadcast pages serve, with a version for cache-busting URLs. */
export interface BroadcastAsset {
  body: Buffer;
  version: string;
}

/** Chart.js and the broadcast pages' own script. */
export interface BroadcastAssets {
  chart: BroadcastAsset;
  page: BroadcastAsset;
}

const asset = (body: Buffer): BroadcastAsset => ({
  body,
  version: createHash('sha256').update(body).digest('hex').slice(0, 12),
});

/** Reads Chart.js's UMD build from node_modules once, at start, and the pages' script. */
export function loadBroadcastAssets(): BroadcastAssets {
  const require = createRequire(import.meta.url);
  // The package's exports hide dist/chart.umd.js; its main entry lives in the same folder.
  const dist = path.dirname(require.resolve('chart.js'));
  return {
    chart: asset(readFileSync(path.join(dist, 'chart.umd.js'))),
    page: asset(Buffer.from(BROADCAST_SCRIPT, 'utf8')),
  };
}
