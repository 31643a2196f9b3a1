/**
 * How a test starts one of this repository's TypeScript files in a child
 * node: through the loader the test runner itself uses (ts-loader.mjs), so
 * that a child costs what a test file costs to start, and compiles nothing a
 * test file has not already compiled.
 */

/** The `--import` value that makes node run this repository's .ts files. */
export const TS_LOADER = new URL("./ts-loader.mjs", import.meta.url).href;

/** Node arguments that run the TypeScript file `file` with `args`. */
export function tsNodeArgs(file: string, ...args: string[]): string[] {
  return ["--import", TS_LOADER, file, ...args];
}
