import type { BroadcastBenchResult, BroadcastRun, Phase } from './broadcast.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');
const opt = (v: number | undefined) => (v === undefined ? '-' : String(v));

function phaseRow(label: string, p: Phase): string[] {
  const ge = p.missing > 0 ? '>=' : '';
  const u = p.usage;
  return [
    label,
    String(u.seconds),
    String(p.messages),
    String(p.missing),
    `${ge}${p.latency.p50}`,
    `${ge}${p.latency.p90}`,
    `${ge}${p.latency.p99}`,
    `${ge}${p.latency.max}`,
    String(u.serverElu),
    `${Math.round(u.loopDelayP99)}/${Math.round(u.loopDelayMax)}`,
    String(u.processCpu),
    opt(u.emulatorCpu),
    opt(u.redisCpu),
    opt(u.postgresCpu),
    opt(u.pgliteMsPerSecond),
    opt(u.otherCpu),
  ];
}

function renderRun(r: BroadcastRun): string[] {
  const out: string[] = [];
  out.push(`  ${r.database}${r.databaseVersion ? ` (${r.databaseVersion})` : ''}:`);
  out.push(
    ...table(
      [
        'phase',
        'seconds',
        'messages',
        'missing',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'srv ELU',
        'loop p99/max ms',
        'CPU',
        'emulator CPU',
        'redis CPU',
        'postgres CPU',
        'PGlite ms/s',
        'other CPU',
      ],
      [phaseRow('chat alone', r.baseline), phaseRow('chat + broadcast', r.broadcast)],
    ).map((l) => `    ${l}`),
  );
  const t = r.targets;
  const rt = r.rate;
  const d = r.delivery;
  const m = r.memory;
  out.push(
    `    latency, broadcast ÷ alone: p50 ${r.ratios.p50}x, p99 ${r.ratios.p99}x   target ≤ 2x: ${verdict(t.p99.met)}`,
    `    rate: steady ${rt.steadyPerMinute}/min (${rt.steadyRatio}x), whole run ${rt.wholeRunPerMinute}/min ` +
      `(${rt.wholeRunRatio}x) of ${rt.configuredPerMinute}/min; whole minutes ${rt.perMinute.min}-${rt.perMinute.max}; ` +
      `first send +${rt.firstSendSeconds} s, last +${rt.lastSendSeconds} s after the start   ` +
      `target within 5%: ${verdict(t.rate.met)}`,
    `    broadcast pipeline: in flight mean ${rt.inFlight.mean}, max ${rt.inFlight.max} (dispatcher cap ${rt.inFlight.cap}); ` +
      `dispatch -> sent p50 ${rt.dispatchToSent.p50} ms, p99 ${rt.dispatchToSent.p99} ms, max ${rt.dispatchToSent.max} ms`,
    `    dispatcher: ${rt.batches.batches} batches of mean ${rt.batches.size.mean} (max ${rt.batches.size.max}), ` +
      `gap between batches p50 ${rt.batches.gapMs.p50} ms, p90 ${rt.batches.gapMs.p90} ms, p99 ${rt.batches.gapMs.p99} ms, ` +
      `max ${rt.batches.gapMs.max} ms; ${rt.batches.gapsOver1s} gaps over 1 s (≈ ${rt.batches.forfeitedEstimate} ` +
      'messages of budget forfeited by the 5 s bucket)',
    `    memory (MB, start/peak/end, growth; from the lowest sample): RSS ${m.rss.start}/${m.rss.peak}/${m.rss.end} ` +
      `(+${m.rss.growth}; +${m.rss.growthFromLow}), ` +
      `heap ${m.heapUsed.start}/${m.heapUsed.peak}/${m.heapUsed.end} (+${m.heapUsed.growth}), ` +
      `array buffers ${m.arrayBuffers.start}/${m.arrayBuffers.peak}/${m.arrayBuffers.end}; after GC RSS ` +
      `${m.afterGc.rss}, heap ${m.afterGc.heapUsed}   ` +
      `target growth < 150 MB: ${verdict(t.memory.met)}`,
    `    delivery: ${d.sentOnce}/${d.recipients} recipients with exactly one outbox row, sent; ${d.lost} lost, ` +
      `${d.duplicated} duplicated; outbox ${JSON.stringify(d.outboxByStatus)}; refused ${JSON.stringify(d.refused)}; ` +
      `emulator delivered ${d.emulator.deliveredOnce}/${d.emulator.audience} once, ${d.emulator.notDelivered} none, ` +
      `${d.emulator.duplicated} more than once   target exactly once: ${verdict(t.exactlyOnce.met)}`,
    `    broadcast started ${r.broadcastTimes.startedAfter} s after scheduling (recipients fixed), ` +
      (r.broadcastTimes.timedOut
        ? 'NOT done by the deadline'
        : `done after ${r.broadcastTimes.doneAfter} s`) +
      `; setup: database ${r.setup.seedDatabaseMs} ms, emulator ${r.setup.seedEmulatorMs} ms`,
    `    chat thread ELU ${r.chat.clientElu}, start lag p99 ${r.chat.startLag.p99} ms, POSTs ${r.chat.post.ok} ok / ` +
      `${r.chat.post.non2xx} refused / ${r.chat.post.errors} unanswered, unexpected OA messages ${r.chat.unexpected}, ` +
      `broadcasts to chatting residents ${r.chat.broadcastSeen}`,
  );
  const worst = [...r.chat.timeline].sort((a, b) => b.p99 - a.p99).slice(0, 3);
  out.push(
    `    worst 30 s of the chat (s from its start: p99): ${worst.map((w) => `${w.t}: ${w.p99} ms`).join(', ')}`,
  );
  for (const q of r.slowPglite.slice(0, 5)) {
    out.push(
      `    PGlite call over 100 ms: ${q.calls} x (total ${q.totalMs} ms, max ${q.maxMs} ms, ` +
        `${q.firstAt}-${q.lastAt} s) ${q.sql.slice(0, 110)}`,
    );
  }
  const logged = Object.entries(r.logs.messages);
  out.push(
    `    motcua logged ${r.logs.warn} warnings, ${r.logs.error} errors` +
      (logged.length ? `: ${logged.map(([msg, n]) => `${n} x ${msg}`).join('; ')}` : ''),
  );
  return out;
}

/** Renders the broadcast benchmark: per database, both phases, then the four targets. */
export function renderBroadcastBench(b: BroadcastBenchResult): string {
  const s = b.settings;
  const out = [
    `BROADCAST — ${s.recipients.toLocaleString('en')} followers at ${s.ratePerMinute}/min while ${s.chatUsers} ` +
      `residents chat at ${s.chatRatePerSec}/s (open loop); chat alone ${s.baselineSeconds} s after ${s.warmupSeconds} s ` +
      `warm-up, then chat + broadcast until it is done`,
  ];
  for (const r of b.runs) out.push(...renderRun(r));
  for (const n of s.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}
