// Public API of @mts/cli: every export is named here.
export { runSeedCli } from './cli.js';
export type { SeedIo } from './cli.js';
export { EXIT, SeedError } from './lib/exit-codes.js';
export type { ExitCode } from './lib/exit-codes.js';
export { parseSeedArgs, parseMapping, USAGE } from './lib/args.js';
export type { SeedOptions, Format } from './lib/args.js';
