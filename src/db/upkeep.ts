/** What PostgreSQL's statistics say about one table since it was last vacuumed and analysed. */
export interface TableActivity {
  table: string;
  live: number;
  dead: number;
  changedSinceAnalyze: number;
}

/** What one table needs now: a vacuum (dead rows), an analyse (stale planner statistics) or both. */
export interface TableUpkeep {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** When a table is due, as PostgreSQL's autovacuum decides by default: a base count plus a share of the live rows. */
export interface UpkeepThresholds {
  base: number;
  vacuumShare: number;
  analyzeShare: number;
}

/** PostgreSQL's autovacuum defaults (threshold 50, scale factors 0.2 and 0.1). */
export const DEFAULT_UPKEEP_THRESHOLDS: UpkeepThresholds = { base: 50, vacuumShare: 0.2, analyzeShare: 0.1 };

/** The tables that have crossed a threshold, each with what it needs; quiet tables are left alone. */
export function upkeepDue(
  activity: readonly TableActivity[],
  thresholds: UpkeepThresholds = DEFAULT_UPKEEP_THRESHOLDS,
): TableUpkeep[] {
  const due: TableUpkeep[] = [];
  for (const t of activity) {
    const vacuum = t.dead > thresholds.base + thresholds.vacuumShare * t.live;
    const analyze = t.changedSinceAnalyze > thresholds.base + thresholds.analyzeShare * t.live;
    if (vacuum || analyze) due.push({ table: t.table, vacuum, analyze });
  }
  return due;
}
