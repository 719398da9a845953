import { SCALED_LABEL, type EndToEndResult, type EndToEndRun, type P99Target } from './end-to-end.js';
import type { BroadcastBenchResult } from './broadcast.js';
import { renderBroadcastBench } from './broadcast-report.js';
import type { DocumentsBenchResult } from './documents.js';
import { renderDocumentsBench } from './documents-report.js';
import type { IngestCell, IngestResult } from './ingest.js';
import { renderNluBench, type NluBenchResult } from './nlu.js';

/** Everything `npm run bench` measured, as written to bench/results.json. */
export interface BenchResults {
  node: string;
  cpu: string;
  cores: number;
  date: string;
  method: string[];
  durationSeconds?: number;
  ingest?: IngestResult;
  endToEnd?: EndToEndResult;
  nlu?: NluBenchResult;
  documents?: DocumentsBenchResult;
  broadcast?: BroadcastBenchResult;
}

const pad = (v: unknown, n: number) => String(v).padEnd(n);
const lpad = (v: unknown, n: number) => String(v).padStart(n);
const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');
const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : String(v));

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? pad(c, widths[i]!) : lpad(c, widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function ingestRows(r: IngestResult): string[][] {
  const row = (server: string, mode: string, c: IngestCell) => [
    server,
    mode,
    `${c.achievedPerSec} [${c.achievedRange[0]}-${c.achievedRange[1]}]`,
    String(c.p50),
    `${c.p99} [${c.p99Range[0]}-${c.p99Range[1]}]`,
    String(c.max),
    String(c.non2xx + c.errors),
    String(c.ackedButNotStored),
    String(c.serverElu),
    String(c.clientElu),
    fmt(c.redisCpu),
    fmt(c.otherCpu),
  ];
  const s = r.settings;
  const fixed = `${s.fixedRatePerSec}/s fixed`;
  const flat = `flat out (${s.flatConnections} conn)`;
  return [
    row('bare node:http (B)', fixed, r.summary.bare.fixed),
    row('motcua (A)', fixed, r.summary.motcua.fixed),
    row('bare node:http (B)', flat, r.summary.bare.flat),
    row('motcua (A)', flat, r.summary.motcua.flat),
  ];
}

function e2eRow(label: string, rate: string, r: EndToEndRun): string[] {
  return [
    label,
    rate,
    String(r.post.sent),
    `${r.received}/${r.expected}`,
    String(r.missing),
    String(r.repliesPerSec),
    `${r.latencyAll.lowerBound ? '>=' : ''}${r.latencyAll.p50}`,
    `${r.latencyAll.lowerBound ? '>=' : ''}${r.latencyAll.p99}`,
    `${r.latencyAll.lowerBound ? '>=' : ''}${r.latencyAll.max}`,
    fmt(r.serverElu),
    fmt(r.loopDelayP99),
    String(r.post.errors + r.post.non2xx),
    String((r.emulator.webhook as { retried?: number } | undefined)?.retried ?? '-'),
    fmt(r.otherCpu),
  ];
}

/** Renders the results as plain-text tables with the targets next to them. */
export function renderReport(res: BenchResults): string {
  const out: string[] = [];
  out.push(`motcua benchmark — Node ${res.node}, ${res.cpu} (${res.cores} cores), ${res.date}`);
  for (const m of res.method) out.push(`  ${m}`);
  const i = res.ingest;
  if (i) {
    out.push('');
    out.push(
      `WEBHOOK INGEST — signed user_send_text, ${i.settings.users} users, ${i.settings.seconds} s per run, ` +
        `median of ${i.settings.rounds} rounds run B,A,B,A… [min-max]; ${i.settings.redis}; ${i.settings.partitions} partitions`,
    );
    out.push(
      ...table(
        [
          'server',
          'mode',
          'events/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'non-2xx',
          'acked!stored',
          'srv ELU',
          'load ELU',
          'redis CPU',
          'other CPU',
        ],
        ingestRows(i),
      ),
    );
    const t = i.targets;
    out.push('');
    out.push(
      `  throughput motcua/bare flat out: ${i.throughputRatio.median}x ` +
        `(per round ${i.throughputRatio.perRound.join(', ')})   target ${t.throughputRatio.target}: ${verdict(t.throughputRatio.met)}`,
    );
    out.push(
      `  p99 ack at ${i.settings.fixedRatePerSec}/s: motcua ${i.summary.motcua.fixed.p99} ms, ` +
        `bare ${i.summary.bare.fixed.p99} ms   target ${t.p99AckAtFixedRate.target}: ${verdict(t.p99AckAtFixedRate.met)}`,
    );
  }
  const e = res.endToEnd;
  if (e) {
    out.push('');
    out.push(
      `END TO END — residents' texts through the emulator to the bot's reply; open loop; ` +
        `${e.settings.users} residents; drain up to ${e.settings.drainSeconds} s`,
    );
    const rows: string[][] = [];
    if (e.baseline)
      rows.push(
        e2eRow(
          'baseline: bare bot',
          `${e.settings.ratePerSec}/s x ${e.settings.baselineSeconds} s`,
          e.baseline,
        ),
      );
    if (e.probe && e.settings.probe)
      rows.push(
        e2eRow(
          `motcua all (${e.settings.probe.users} users)`,
          `${e.settings.probe.ratePerSec}/s x ${e.settings.probe.seconds} s`,
          e.probe,
        ),
      );
    const rate = `${e.settings.ratePerSec}/s x ${e.settings.seconds} s`;
    rows.push(e2eRow('motcua all', rate, e.motcua));
    if (e.scaled) rows.push(e2eRow(SCALED_LABEL, rate, e.scaled));
    out.push(
      ...table(
        [
          'run',
          'rate',
          'sent',
          'replies',
          'missing',
          'replies/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'srv ELU',
          'loop p99 ms',
          'post errs',
          'webhook retries',
          'other CPU',
        ],
        rows,
      ),
    );
    out.push('');
    const m = e.motcua;
    out.push(
      `  motcua all peak backlog: inbound ${m.peakBacklog.inbound}, outbound ${m.peakBacklog.outbound} jobs; ` +
        `PGlite: ${m.pglite?.callsPerReply ?? '?'} protocol calls, ${m.pglite?.msPerReply ?? '?'} ms main thread per reply` +
        (e.probe?.pglite ? ` (${e.probe.pglite.msPerReply} ms at ${e.settings.probe?.ratePerSec}/s)` : ''),
    );
    const s = e.scaled;
    if (s) {
      const cpu = [
        ...Object.entries(s.cpu ?? {}).map(([k, v]) => `${k} ${v}`),
        ...(s.redisCpu !== undefined ? [`redis ${s.redisCpu}`] : []),
      ];
      out.push(
        `  motcua scaled peak backlog: inbound ${s.peakBacklog.inbound}, outbound ${s.peakBacklog.outbound} jobs; ` +
          `CPU cores: ${cpu.join(', ') || '?'}`,
      );
    }
    if ('topology' in e.settings.scaled)
      out.push(`  motcua scaled: ${e.settings.scaled.topology} (${e.settings.scaled.postgres})`);
    else out.push(`  motcua scaled: ${e.settings.scaled.skipped}`);
    const target = (name: string, t: P99Target) =>
      out.push(
        `  ${name} p99 at ${e.settings.ratePerSec}/s: ${t.lowerBound ? '>= ' : ''}${t.value} ms   ` +
          `target ${t.target}: ${verdict(t.met)}`,
      );
    target('motcua all', e.targets.p99);
    if (e.targets.p99Scaled) target('motcua scaled', e.targets.p99Scaled);
    for (const n of e.settings.notes) out.push(`  note: ${n}`);
  }
  if (res.documents) out.push('', renderDocumentsBench(res.documents));
  if (res.broadcast) out.push('', renderBroadcastBench(res.broadcast));
  if (res.nlu) out.push('', renderNluBench(res.nlu));
  return out.join('\n');
}
