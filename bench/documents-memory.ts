import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { round } from './stats.js';

/** One memory figure over a window, in MB (10^6 bytes). */
export interface MemoryRange {
  start: number;
  peak: number;
  end: number;
}

/** This process's memory over a window: resident set, V8 heap used, and Buffers (array buffers). */
export interface MemoryWindow {
  rss: MemoryRange;
  heapUsed: MemoryRange;
  arrayBuffers: MemoryRange;
  samples: number;
}

type Figure = 'rss' | 'heapUsed' | 'arrayBuffers';
const FIGURES: Figure[] = ['rss', 'heapUsed', 'arrayBuffers'];

/** Samples process.memoryUsage() every `everyMs` until the returned stop() is called. */
export function sampleMemory(everyMs = 250): () => MemoryWindow {
  const first = process.memoryUsage();
  const peak = { rss: first.rss, heapUsed: first.heapUsed, arrayBuffers: first.arrayBuffers };
  let samples = 1;
  const take = () => {
    const m = process.memoryUsage();
    for (const f of FIGURES) peak[f] = Math.max(peak[f], m[f]);
    samples++;
    return m;
  };
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    const last = take();
    const range = (f: Figure): MemoryRange => ({
      start: round(first[f] / 1e6, 1),
      peak: round(peak[f] / 1e6, 1),
      end: round(last[f] / 1e6, 1),
    });
    return { rss: range('rss'), heapUsed: range('heapUsed'), arrayBuffers: range('arrayBuffers'), samples };
  };
}

/** What a directory tree holds: stored documents (`.enc`), leftover temporary files, and bytes in all. */
export interface DirUsage {
  encFiles: number;
  tmpFiles: number;
  otherFiles: number;
  mb: number;
}

/** Walks `dir` (missing: all zero) and sums its files. */
export function dirUsage(dir: string): DirUsage {
  const usage = { encFiles: 0, tmpFiles: 0, otherFiles: 0, bytes: 0 };
  const walk = (at: string) => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(at, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) {
        usage.bytes += statSync(full).size;
        if (e.name.endsWith('.enc')) usage.encFiles++;
        else if (e.name.endsWith('.tmp')) usage.tmpFiles++;
        else usage.otherFiles++;
      }
    }
  };
  walk(dir);
  return {
    encFiles: usage.encFiles,
    tmpFiles: usage.tmpFiles,
    otherFiles: usage.otherFiles,
    mb: round(usage.bytes / 1e6, 1),
  };
}
