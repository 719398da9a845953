import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { defaultFlowsDir, loadCatalogue } from '../catalogue/index.js';
import { evaluate, LabelledFileError, parseLabelledTsv, renderReport } from '../nlu/eval.js';
import { createMatcher, lexiconFromCatalogue, type Classification, type Matcher } from '../nlu/index.js';

/** Builds the matcher from the catalogue under `dir`, warning on stderr about files left out. */
export async function matcherFromFlows(dir: string): Promise<Matcher> {
  const { catalogue, problems } = await loadCatalogue(path.resolve(dir));
  if (problems.length > 0) {
    console.error(
      `warning: ${problems.length} catalogue problem(s), those files are left out; run: motcua flows check`,
    );
  }
  return createMatcher(lexiconFromCatalogue(catalogue.procedures));
}

/** The JSON line `nlu classify` prints: exactly these keys, in this order. */
export function classifyLine(c: Classification): string {
  const { text, intent, procedure, confidence, action, candidates, topic } = c;
  return JSON.stringify({ text, intent, procedure, confidence, action, candidates, topic });
}

async function classifyStdin(matcher: Matcher): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) process.stdout.write(`${classifyLine(matcher.classify(line))}\n`);
}

async function evalFile(file: string, options: { json?: boolean; flows: string }): Promise<void> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (err) {
    console.error(`${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }
  let messages;
  try {
    messages = parseLabelledTsv(content);
  } catch (err) {
    if (!(err instanceof LabelledFileError)) throw err;
    console.error(`${file}: ${err.message}`);
    process.exitCode = 2;
    return;
  }
  const report = evaluate(await matcherFromFlows(options.flows), messages);
  if (options.json) console.log(JSON.stringify({ file, ...report }, null, 2));
  else console.log(`${file}: ${report.overall.total} messages\n${renderReport(report)}`);
}

/** Adds `motcua nlu classify` (stdin lines → JSON lines) and `motcua nlu eval FILE.tsv`. */
export function registerNluCommands(program: Command): void {
  const nlu = program
    .command('nlu')
    .description('understand what residents type: classify messages, score a labelled file');
  nlu
    .command('classify')
    .description('classify each line of stdin; print one JSON object per line')
    .option('--flows <dir>', 'the flows folder with the procedure catalogue', defaultFlowsDir())
    .action(async (options: { flows: string }) => {
      await classifyStdin(await matcherFromFlows(options.flows));
    });
  nlu
    .command('eval')
    .description(
      'score a labelled file (utterance<TAB>accepted labels): correct, asked back, confidently wrong...',
    )
    .argument('<file>', 'the labelled .tsv file')
    .option('--json', 'print the report as JSON')
    .option('--flows <dir>', 'the flows folder with the procedure catalogue', defaultFlowsDir())
    .action(async (file: string, options: { json?: boolean; flows: string }) => {
      await evalFile(file, options);
    });
}
