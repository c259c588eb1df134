/**
 * The `latent-ts` executable: runs the command line and sets the exit code. Node only.
 *
 * @module
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
