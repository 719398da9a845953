import type { DocumentsBenchResult, DocumentsRun } from './documents.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const range = (r: { start: number; peak: number; end: number }) =>
  `${Math.round(r.start)}/${Math.round(r.peak)}/${Math.round(r.end)}`;

function row(label: string, rate: number, seconds: number, r: DocumentsRun): string[] {
  const ge = r.latencyAll.lowerBound ? '>=' : '';
  const refused = Object.values(r.refusals).reduce((a, b) => a + b, 0);
  return [
    label,
    `${rate}/s x ${seconds} s`,
    String(r.sent),
    `${r.acked}/${r.expected}`,
    r.store ? `${r.store.storedOnce}/${r.store.accepted}` : String(r.rowsAdded),
    r.store ? String(r.store.lost + r.store.duplicated) : '-',
    String(refused),
    String(r.mediaFetches.requests),
    `${ge}${r.latencyAll.p50}`,
    `${ge}${r.latencyAll.p99}`,
    `${ge}${r.latencyAll.max}`,
    String(r.photosPerSec),
    String(r.mbPerSec),
    String(r.cpuMsPerPhoto),
    String(r.serverElu),
    `${Math.round(r.loopDelayP99)}/${Math.round(r.loopDelayMax)}`,
    range(r.memory.rss),
    range(r.memory.heapUsed),
    r.otherCpu === undefined ? '-' : String(r.otherCpu),
  ];
}

/** Renders the documents benchmark as a plain-text table with the intake/baseline ratios under it. */
export function renderDocumentsBench(d: DocumentsBenchResult): string {
  const s = d.settings;
  const out: string[] = [
    `DOCUMENTS — residents' photos (${s.photo.width}x${s.photo.height} JPEG, ${s.photo.minKb}-${s.photo.maxKb} KB) ` +
      `through the emulator into the dossier intake; open loop; ${s.residents} residents at paper 1 ` +
      `(setup ${(d.setup.ms / 1000).toFixed(1)} s); drain up to ${s.drainSeconds} s`,
  ];
  const i = d.idle;
  out.push(
    `  idle (after setup, nothing offered, ${i.seconds} s): main-thread ELU ${i.serverElu}, CPU ${i.processCpu} cores, ` +
      `PGlite ${i.pgliteMsPerSecond} ms/s, RSS ${Math.round(i.memory.rss.end)} MB, heap ${Math.round(i.memory.heapUsed.end)} MB`,
  );
  const rows: string[][] = [];
  for (const l of d.levels) {
    if (l.baseline) rows.push(row('baseline: no intake', l.ratePerSec, s.baselineSeconds, l.baseline));
    rows.push(row('intake', l.ratePerSec, s.seconds, l.intake));
  }
  out.push(
    ...table(
      [
        'run',
        'rate',
        'sent',
        'acked',
        'stored',
        'lost',
        'refused',
        'media GETs',
        'p50 ms',
        'p99 ms',
        'max ms',
        'photos/s',
        'MB/s',
        'CPU ms/photo',
        'srv ELU',
        'loop p99/max ms',
        'RSS MB s/pk/end',
        'heap MB s/pk/end',
        'other CPU',
      ],
      rows,
    ),
  );
  out.push('');
  for (const l of d.levels) {
    if (!l.ratios) continue;
    const r = l.ratios;
    out.push(
      `  intake/baseline at ${l.ratePerSec}/s: p50 ${r.p50}x, p99 ${r.p99}x, CPU per photo ${r.cpuMsPerPhoto}x, ` +
        `main-thread ELU ${r.serverElu}x; PGlite ${l.intake.pglite.msPerPhoto} ms main thread per photo ` +
        `(baseline ${l.baseline?.pglite.msPerPhoto ?? '?'})`,
    );
  }
  const st = d.store;
  out.push(
    `  store: ${st.storedOnce}/${st.accepted} accepted intake photos stored exactly once (warm-up included), ` +
      `${st.lost} lost, ${st.duplicated} duplicated; stored_files ${st.rows} rows; DATA_DIR/files ` +
      `${st.files.encFiles} .enc files, ${st.files.mb} MB, ${st.files.tmpFiles} .tmp left`,
  );
  for (const l of d.levels) {
    for (const r of [l.baseline, l.intake]) {
      if (!r || Object.keys(r.refusals).length === 0) continue;
      const list = Object.entries(r.refusals).map(([why, n]) => `${n} x "${why}"`);
      out.push(`  refused (${r.kind} at ${l.ratePerSec}/s): ${list.join('; ')}`);
    }
  }
  const logged = Object.entries(d.logs.messages);
  out.push(
    `  motcua logged ${d.logs.warn} warnings, ${d.logs.error} errors` +
      (logged.length ? `: ${logged.map(([m, n]) => `${n} x ${m}`).join('; ')}` : ''),
  );
  for (const n of s.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}
