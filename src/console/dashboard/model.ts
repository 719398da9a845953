import type { DashboardFormat } from './format.js';
import { monthsBetween, weeksBetween, type LocalMonth } from './months.js';
import type { DashboardFigures, HandoffWeek } from './queries.js';
import { fill, type DashboardTexts } from './texts.js';

/*
 * Turns the queried figures into what the page shows: one chart description per chart (drawn by
 * the browser) and the same numbers as a table (readable without JavaScript).
 */

/** One line or one set of bars of a chart. */
export interface ChartSeries {
  label: string;
  data: (number | null)[];
  color: string;
}

/** A chart as the page's script draws it with Chart.js; plain JSON. */
export interface ChartSpec {
  /** The canvas's id. */
  id: string;
  kind: 'bar' | 'line';
  title: string;
  labels: string[];
  series: ChartSeries[];
  /** Bounds of the value axis, when fixed (0–100 for rates, 1–5 for scores). */
  min?: number;
  max?: number;
  /** Written after each value, e.g. `%`. */
  unit?: string;
  /** Bars across rather than up, for long names. */
  horizontal?: boolean;
  /** Values are counts: the axis shows whole numbers only. */
  integer?: boolean;
}

/** A chart's numbers as a table: the first cell of each row names the row. */
export interface DataTable {
  head: string[];
  rows: string[][];
}

/** One card of the dashboard: a title, a note, a chart and its table. */
export interface DashboardSection {
  id: string;
  title: string;
  note?: string;
  /** True when there is nothing to draw: the card shows a short message instead. */
  empty: boolean;
  chart: ChartSpec;
  table: DataTable;
}

/** A headline figure at the top of the page. */
export interface SummaryItem {
  label: string;
  value: string;
  detail: string;
}

/** Everything the dashboard page renders. */
export interface DashboardModel {
  summary: SummaryItem[];
  sections: DashboardSection[];
  charts: ChartSpec[];
}

const BLUE = '#0b5cad';
const GREEN = '#1e7f3c';
const ORANGE = '#b45309';
const PURPLE = '#6b3fa0';

/** Options that shape the model. */
export interface ModelOptions {
  t: DashboardTexts;
  format: DashboardFormat;
  from: LocalMonth;
  to: LocalMonth;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function summary(f: DashboardFigures, o: ModelOptions): SummaryItem[] {
  const { t, format } = o;
  const finished = sum(f.onTimeMonths.map((m) => m.finished));
  const onTime = sum(f.onTimeMonths.map((m) => m.onTime));
  const rated = sum(f.ratingCounts);
  const points = sum(f.ratingCounts.map((c, i) => c * (i + 1)));
  const tickets = sum(f.handoffWeeks.map((w) => w.tickets));
  const claimed = sum(f.handoffWeeks.map((w) => w.claimed));
  const resolved = sum(f.handoffWeeks.map((w) => w.resolved));
  return [
    {
      label: t.summaryOnTime,
      value: format.percent(finished > 0 ? round((100 * onTime) / finished, 1) : null),
      detail: fill(t.summaryFinished, { n: format.number(finished, 0) }),
    },
    {
      label: t.summaryRating,
      value: rated > 0 ? `${format.number(round(points / rated, 2), 2)} / 5` : '—',
      detail: fill(t.summaryRatings, { n: format.number(rated, 0) }),
    },
    {
      label: t.summaryTickets,
      value: format.number(tickets, 0),
      detail: fill(t.summaryTicketsDetail, {
        claimed: format.number(claimed, 0),
        resolved: format.number(resolved, 0),
      }),
    },
  ];
}

function statusSection(f: DashboardFigures, o: ModelOptions): DashboardSection {
  const { t, format } = o;
  const codes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const count = (code: number) => f.statuses.find((s) => s.status === code)?.count ?? 0;
  const names = codes.map((c) => `${c}. ${t.statusNames[c] ?? ''}`);
  return {
    id: 'status',
    title: t.statusTitle,
    note: t.statusNote,
    empty: f.statuses.length === 0,
    chart: {
      id: 'chart-status',
      kind: 'bar',
      title: t.statusTitle,
      labels: names,
      series: [{ label: t.dossiers, data: codes.map(count), color: BLUE }],
      horizontal: true,
      integer: true,
    },
    table: {
      head: [t.status, t.dossiers],
      rows: codes.map((c, i) => [names[i] ?? String(c), format.number(count(c), 0)]),
    },
  };
}

function onTimeMonthSection(f: DashboardFigures, o: ModelOptions): DashboardSection {
  const { t, format } = o;
  const months = monthsBetween(o.from, o.to);
  const at = (m: string) => f.onTimeMonths.find((x) => x.month === m);
  return {
    id: 'on-time-month',
    title: t.onTimeMonthTitle,
    note: t.onTimeNote,
    empty: f.onTimeMonths.length === 0,
    chart: {
      id: 'chart-on-time-month',
      kind: 'line',
      title: t.onTimeMonthTitle,
      labels: months.map(format.month),
      series: [{ label: t.onTime, data: months.map((m) => at(m)?.rate ?? null), color: GREEN }],
      min: 0,
      max: 100,
      unit: '%',
    },
    table: {
      head: [t.month, t.finished, t.onTimeCount, t.rate],
      rows: months.map((m) => {
        const x = at(m);
        return [
          format.month(m),
          format.number(x?.finished ?? 0, 0),
          format.number(x?.onTime ?? 0, 0),
          format.percent(x?.rate ?? null),
        ];
      }),
    },
  };
}

function onTimeProcedureSection(f: DashboardFigures, o: ModelOptions): DashboardSection {
  const { t, format } = o;
  const rows = f.onTimeProcedures;
  return {
    id: 'on-time-procedure',
    title: t.onTimeProcedureTitle,
    empty: rows.length === 0,
    chart: {
      id: 'chart-on-time-procedure',
      kind: 'bar',
      title: t.onTimeProcedureTitle,
      labels: rows.map((r) => r.procedureCode),
      series: [{ label: t.rate, data: rows.map((r) => r.rate), color: GREEN }],
      min: 0,
      max: 100,
      unit: '%',
      horizontal: true,
    },
    table: {
      head: [t.procedure, t.finished, t.onTimeCount, t.rate],
      rows: rows.map((r) => [
        r.procedureCode,
        format.number(r.finished, 0),
        format.number(r.onTime, 0),
        format.percent(r.rate),
      ]),
    },
  };
}

/** Every week from the first to the last with tickets, the empty ones included. */
function handoffWeeks(f: DashboardFigures): { week: string; row: HandoffWeek | undefined }[] {
  const first = f.handoffWeeks[0];
  const last = f.handoffWeeks[f.handoffWeeks.length - 1];
  if (!first || !last) return [];
  return weeksBetween(first.week, last.week).map((week) => ({
    week,
    row: f.handoffWeeks.find((w) => w.week === week),
  }));
}

function handoffSection(f: DashboardFigures, o: ModelOptions, which: 'wait' | 'handle'): DashboardSection {
  const { t, format } = o;
  const weeks = handoffWeeks(f);
  const median = (w: HandoffWeek | undefined) => (which === 'wait' ? w?.waitMedian : w?.handleMedian) ?? null;
  const p90 = (w: HandoffWeek | undefined) => (which === 'wait' ? w?.waitP90 : w?.handleP90) ?? null;
  const counted = (w: HandoffWeek | undefined) => (which === 'wait' ? w?.claimed : w?.resolved) ?? 0;
  const title = which === 'wait' ? t.waitTitle : t.handleTitle;
  const unit = ` ${t.minutes}`;
  return {
    id: `handoff-${which}`,
    title,
    note: t.handoffNote,
    empty: !weeks.some((w) => median(w.row) !== null),
    chart: {
      id: `chart-handoff-${which}`,
      kind: 'line',
      title,
      labels: weeks.map((w) => format.day(w.week)),
      series: [
        { label: t.median, data: weeks.map((w) => median(w.row)), color: which === 'wait' ? BLUE : PURPLE },
        { label: t.p90, data: weeks.map((w) => p90(w.row)), color: ORANGE },
      ],
      min: 0,
      unit,
    },
    table: {
      head: [t.week, t.tickets, which === 'wait' ? t.claimed : t.resolved, t.median, t.p90],
      rows: weeks.map((w) => [
        format.day(w.week),
        format.number(w.row?.tickets ?? 0, 0),
        format.number(counted(w.row), 0),
        format.number(median(w.row)),
        format.number(p90(w.row)),
      ]),
    },
  };
}

function ratingSection(f: DashboardFigures, o: ModelOptions): DashboardSection {
  const { t, format } = o;
  const labels = [1, 2, 3, 4, 5].map((n) => fill(t.stars, { n }));
  return {
    id: 'rating',
    title: t.ratingTitle,
    empty: sum(f.ratingCounts) === 0,
    chart: {
      id: 'chart-rating',
      kind: 'bar',
      title: t.ratingTitle,
      labels,
      series: [{ label: t.ratings, data: f.ratingCounts, color: ORANGE }],
      integer: true,
    },
    table: {
      head: [t.score, t.ratings],
      rows: labels.map((label, i) => [label, format.number(f.ratingCounts[i] ?? 0, 0)]),
    },
  };
}

function ratingMonthSection(f: DashboardFigures, o: ModelOptions): DashboardSection {
  const { t, format } = o;
  const months = monthsBetween(o.from, o.to);
  const at = (m: string) => f.ratingMonths.find((x) => x.month === m);
  return {
    id: 'rating-month',
    title: t.ratingMonthTitle,
    empty: f.ratingMonths.length === 0,
    chart: {
      id: 'chart-rating-month',
      kind: 'line',
      title: t.ratingMonthTitle,
      labels: months.map(format.month),
      series: [{ label: t.average, data: months.map((m) => at(m)?.average ?? null), color: ORANGE }],
      min: 1,
      max: 5,
    },
    table: {
      head: [t.month, t.ratings, t.average],
      rows: months.map((m) => [
        format.month(m),
        format.number(at(m)?.count ?? 0, 0),
        format.number(at(m)?.average ?? null, 2),
      ]),
    },
  };
}

/** Builds the page's headline figures, sections and chart descriptions. */
export function dashboardModel(f: DashboardFigures, o: ModelOptions): DashboardModel {
  const sections = [
    statusSection(f, o),
    onTimeMonthSection(f, o),
    onTimeProcedureSection(f, o),
    handoffSection(f, o, 'wait'),
    handoffSection(f, o, 'handle'),
    ratingSection(f, o),
    ratingMonthSection(f, o),
  ];
  return {
    summary: summary(f, o),
    sections,
    charts: sections.filter((s) => !s.empty).map((s) => s.chart),
  };
}
