import type { Logger } from '../log.js';
import {
  buildCatalogue,
  codeFromFileName,
  emptyCatalogue,
  listFlowsFiles,
  loadOverrideFile,
  loadProcedureFile,
  sortProblems,
  type Catalogue,
  type OverrideEntry,
  type Problem,
  type ProcedureEntry,
} from './load.js';

/** The logger calls the store makes (a pino logger fits). */
export type CatalogueLogger = Pick<Logger, 'info' | 'warn'>;

/** Holds the catalogue a process serves and reloads it from disk. */
export interface CatalogueStore {
  /** The catalogue being served (empty until the first `reload()`). */
  current(): Catalogue;
  /**
   * Reads the files again. A file that fails its checks is refused (logged with file, line and
   * reason) and its last good version keeps serving; a good new version replaces it; a deleted
   * file is dropped. Resolves to every problem found.
   */
  reload(): Promise<Problem[]>;
}

/** Creates a store over the flows folder `dir`; call `reload()` once before serving. */
export function createCatalogueStore(options: { dir: string; logger?: CatalogueLogger }): CatalogueStore {
  const { dir, logger } = options;
  let catalogue = emptyCatalogue();
  const goodProcedures = new Map<string, ProcedureEntry>();
  const goodOverrides = new Map<string, OverrideEntry>();
  let running: Promise<Problem[]> | null = null;

  async function refresh<E>(
    files: string[],
    good: Map<string, E>,
    load: (rel: string) => Promise<{ entry: E } | { problems: Problem[] }>,
    problems: Problem[],
  ): Promise<void> {
    for (const rel of [...good.keys()]) if (!files.includes(rel)) good.delete(rel);
    for (const rel of files) {
      const res = await load(rel);
      if ('entry' in res) {
        good.set(rel, res.entry);
        continue;
      }
      const kept = good.has(rel);
      for (const p of res.problems) {
        logger?.warn(
          { file: p.file, line: p.line, reason: p.reason, keptPrevious: kept },
          kept ? 'flows file refused; its last good version keeps serving' : 'flows file refused',
        );
      }
      problems.push(...res.problems);
    }
  }

  async function doReload(): Promise<Problem[]> {
    const files = await listFlowsFiles(dir);
    const problems: Problem[] = [...files.problems];
    await refresh(
      files.procedures,
      goodProcedures,
      async (rel) => {
        const r = await loadProcedureFile(dir, rel);
        return r.ok ? { entry: { file: rel, procedure: r.value, lineOf: r.lineOf } } : r;
      },
      problems,
    );
    await refresh(
      files.overrides,
      goodOverrides,
      async (rel) => {
        const r = await loadOverrideFile(dir, rel);
        return r.ok ? { entry: { file: rel, override: r.value, lineOf: r.lineOf } } : r;
      },
      problems,
    );
    const brokenCodes = files.procedures.filter((rel) => !goodProcedures.has(rel)).map(codeFromFileName);
    const built = buildCatalogue([...goodProcedures.values()], [...goodOverrides.values()], { brokenCodes });
    for (const p of built.problems)
      logger?.warn({ file: p.file, line: p.line, reason: p.reason }, 'catalogue problem');
    catalogue = built.catalogue;
    logger?.info(
      {
        procedures: catalogue.procedures.length,
        overrides: catalogue.overrideOaIds.length,
        problems: problems.length + built.problems.length,
      },
      'catalogue loaded',
    );
    return sortProblems([...problems, ...built.problems]);
  }

  return {
    current: () => catalogue,
    reload() {
      // Reloads run one after another so two callers never interleave their reads.
      const next = (running ?? Promise.resolve([])).then(doReload, doReload);
      running = next;
      return next;
    },
  };
}
