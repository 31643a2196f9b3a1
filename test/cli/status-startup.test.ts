/**
 * `eni-agent status` must start about as fast as node itself, so nothing it
 * loads may reach gRPC, the AWS SDK, pino or other heavy packages. This walks
 * the static import graph from the CLI entry point, the status entry point
 * (bundled on its own) and the status command (dynamic imports are the lazy
 * edges and are not followed).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { importsOf } from "../support/imports.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HEAVY =
  /^(@grpc\/|@aws-sdk\/|@smithy\/|pino|prom-client|chokidar|systeminformation|node:child_process$|child_process$)/;

/** Every module reached through static, value (non-type) imports. */
export function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const ref of importsOf(readFileSync(file, "utf8"))) {
      if (ref.dynamic || ref.typeOnly) continue;
      if (!ref.specifier.startsWith(".")) {
        packages.add(ref.specifier);
        continue;
      }
      const target = resolve(dirname(file), ref.specifier.replace(/\.js$/, ".ts"));
      if (existsSync(target)) visit(target);
      else packages.add(ref.specifier);
    }
  };
  visit(resolve(ROOT, entry));
  return { files: [...files].map((f) => f.slice(ROOT.length)), packages: [...packages] };
}

t.test("the CLI entry and the status command load nothing heavy", async (t) => {
  for (const entry of ["src/cli/main.ts", "src/cli/status-main.ts", "src/cli/commands/status.ts"]) {
    const { files, packages } = staticGraph(entry);
    t.same(
      packages.filter((p) => HEAVY.test(p)),
      [],
      `${entry} packages: ${packages.join(", ")}`,
    );
    t.ok(files.length > 1, `${entry} reaches ${files.length} files`);
  }
  // main itself must not pull in any command: commands load through the table.
  const main = staticGraph("src/cli/main.ts");
  t.same(
    main.files.filter((f) => f.startsWith("src/cli/commands/")),
    [],
  );
  t.same(
    main.files.filter((f) => f.startsWith("src/sysfs/")),
    [],
  );
  // The status entry bundles everything it reaches into one file: status only.
  const status = staticGraph("src/cli/status-main.ts");
  t.same(
    status.files.filter((f) => f.startsWith("src/cli/commands/")),
    ["src/cli/commands/status.ts"],
  );
  t.notOk(status.files.includes("src/cli/commands.ts"), "not the command table");
});

t.test("the graph walker sees a heavy import when there is one", async (t) => {
  const dir = t.testdir({
    "a.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
    "b.ts":
      'import "pino";\nimport type { X } from "@grpc/grpc-js";\nexport const b = import("@aws-sdk/client-ec2");\n',
  });
  const { packages } = staticGraph(resolve(dir, "a.ts"));
  t.same(packages, ["pino"], "type-only and dynamic imports are not static loads");
});
