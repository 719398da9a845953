import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  defaultFlowsDir,
  listFlowsFiles,
  loadCatalogue,
  sortProblems,
  type Catalogue,
  type Problem,
} from '../catalogue/index.js';
import { loadFlows } from '../conversation/flows.js';
import { loadHolidayFile } from '../dossiers/calendar.js';
import { createTranslator } from '../i18n.js';
import { loadTopicsFile } from '../broadcasts/topics-file.js';

/** What `flows check` found. */
export interface FlowsCheckResult {
  catalogue: Catalogue;
  problems: Problem[];
  flowFiles: number;
}

/**
 * Runs every check over a flows folder: procedures and overrides, then the
 * conversation flows (schema, steps, flows, actions, texts in both locales,
 * and procedure codes their buttons name), then the holiday calendar and the notice topics.
 */
export async function checkFlowsDir(dir: string): Promise<FlowsCheckResult> {
  const { catalogue, problems } = await loadCatalogue(dir);
  const files = await listFlowsFiles(dir);
  const translator = await createTranslator('vi');
  const flows = await loadFlows(dir, {
    hasText: (key) => translator.has(key),
    // A procedure whose file is refused is reported there, not again at every button naming it.
    hasProcedure: (code) =>
      catalogue.get(code) !== undefined || problems.some((p) => p.file.endsWith(`${code}.yaml`)),
  });
  problems.push(...flows.problems);
  const holidays = path.join(dir, 'calendar', 'vn-holidays.yaml');
  if (existsSync(holidays)) {
    const res = await loadHolidayFile(holidays);
    if (!res.ok) problems.push(...res.problems);
  }
  const topics = await loadTopicsFile(dir);
  if (!topics.ok) problems.push(...topics.problems);
  return { catalogue, problems: sortProblems(problems), flowFiles: files.flows.length };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Adds `motcua flows check [dir]` and `motcua flows list [dir]`. */
export function registerFlowsCommands(program: Command): void {
  const flows = program.command('flows').description('check and list the content under flows/');
  flows
    .command('check')
    .description('validate every file under flows/ (procedures, overrides, conversation flows)')
    .argument('[dir]', 'the flows folder', defaultFlowsDir())
    .action(async (dir: string) => {
      const abs = path.resolve(dir);
      const { catalogue, problems, flowFiles } = await checkFlowsDir(abs);
      for (const p of problems) {
        console.log(
          `${toPosix(path.relative(process.cwd(), path.join(abs, p.file)))}:${p.line}: ${p.reason}`,
        );
      }
      const counts = [
        plural(catalogue.procedures.length, 'procedure'),
        plural(catalogue.overrideOaIds.length, 'override'),
        plural(flowFiles, 'flow file'),
      ].join(', ');
      console.log(`${counts}: ${problems.length === 0 ? 'OK' : plural(problems.length, 'problem')}`);
      if (problems.length > 0) process.exitCode = 1;
    });
  flows
    .command('list')
    .description('print every procedure: code, agency, short name')
    .argument('[dir]', 'the flows folder', defaultFlowsDir())
    .action(async (dir: string) => {
      const { catalogue, problems } = await loadCatalogue(path.resolve(dir));
      for (const p of catalogue.procedures) {
        const codes = [p.code, ...(p.also_codes ?? [])].join(',');
        console.log(`${codes.padEnd(18)} ${p.agency.padEnd(11)} ${p.short_name.vi}`);
      }
      if (problems.length > 0) {
        console.error(`${plural(problems.length, 'problem')}; run: motcua flows check`);
        process.exitCode = 1;
      }
    });
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
