import { join } from "node:path";
import { build } from "esbuild";

/**
 * Bundles the guest program and every entry into one ESM file for the
 * guest's node (no npm there). npm packages the entries use are bundled in;
 * packages with native parts cannot work in the guest.
 */
export async function bundleGuest(
  vmDir: string,
  entryNames: readonly string[],
  entriesDir = "entries",
): Promise<string> {
  const imports = entryNames.map(
    (name, i) => `import * as e${i} from "./${entriesDir}/${name}.ts";`,
  );
  const table = entryNames.map((name, i) => `${JSON.stringify(name)}: e${i}`).join(", ");
  const source = [
    'import { runGuest } from "./guest/run-guest.ts";',
    ...imports,
    `await runGuest({ ${table} });`,
  ].join("\n");
  const out = await build({
    stdin: { contents: source, resolveDir: vmDir, sourcefile: "guest-main.ts", loader: "ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
    // Bundled CommonJS dependencies may call require() for node builtins.
    banner: {
      js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
    },
    logLevel: "warning",
    absWorkingDir: join(vmDir, "../.."),
  });
  const file = out.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output");
  return file.text;
}
