/** Residents' photos and files: download, inspection, encryption at rest and storage. */
export { FILES_KEY_BYTES, loadFilesKey, type FilesKeySource } from './key.js';
export { openFile, SEALED_MAGIC, sealFile } from './cipher.js';
export {
  DEFAULT_MEDIA_RULES,
  inspectMedia,
  sniffMime,
  type MediaInspection,
  type MediaRefusal,
  type MediaRules,
} from './inspect.js';
export {
  createMediaDownloader,
  type MediaDownload,
  type MediaDownloader,
  type MediaDownloaderOptions,
} from './download.js';
export { createFileStore, type FileStore, type FileStoreOptions, type StoredFile } from './store.js';
