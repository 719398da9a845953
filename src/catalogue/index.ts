/** The procedure catalogue: schema, loading with file:line problems, and a reloadable store. */
export * from './schema.js';
export {
  applyProcedureOverride,
  buildCatalogue,
  codeFromFileName,
  deepMerge,
  defaultFlowsDir,
  emptyCatalogue,
  listFlowsFiles,
  loadCatalogue,
  loadOverrideFile,
  loadProcedureFile,
  loadYamlFile,
  parseYaml,
  sortProblems,
  OVERRIDES_SUBDIR,
  PROCEDURES_SUBDIR,
  type Catalogue,
  type CatalogueView,
  type FlowsFiles,
  type LineOf,
  type LoadResult,
  type OverrideEntry,
  type Problem,
  type ProcedureEntry,
} from './load.js';
export { createCatalogueStore, type CatalogueLogger, type CatalogueStore } from './store.js';
