import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DASHBOARD_SCRIPT } from './script.js';

/** A script the dashboard serves, with a version for cache-busting URLs. */
export interface ScriptAsset {
  body: Buffer;
  version: string;
}

/** The charting library and the dashboard's own script. */
export interface DashboardAssets {
  chart: ScriptAsset;
  dashboard: ScriptAsset;
}

const versionOf = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 12);

/**
 * Reads Chart.js's UMD build from node_modules (once, at start: a missing install fails here
 * rather than on the first page view) and the dashboard script.
 */
export function loadDashboardAssets(): DashboardAssets {
  const require = createRequire(import.meta.url);
  // The package's exports hide dist/chart.umd.js; its main entry lives in the same folder.
  const dist = path.dirname(require.resolve('chart.js'));
  const chart = readFileSync(path.join(dist, 'chart.umd.js'));
  const dashboard = Buffer.from(DASHBOARD_SCRIPT, 'utf8');
  return {
    chart: { body: chart, version: versionOf(chart) },
    dashboard: { body: dashboard, version: versionOf(dashboard) },
  };
}
