import { runCli } from './cli.js';

/** Entry for running the CLI from source (tests spawn it with tsx). */
await runCli(process.argv);
