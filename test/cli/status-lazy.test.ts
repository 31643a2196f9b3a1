/**
 * status without a daemon must not load gRPC at all. A module-resolution
 * hook in a child process reports every @grpc/* package that gets resolved;
 * a listener that is not a daemon is the control (the client loads, the call
 * fails, status falls back).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import t from "tap";
import { TS_LOADER } from "../support/ts-node.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const HOOK = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@grpc/")) console.error("RESOLVED " + specifier);
  return next(specifier, context);
}\`));
`;

async function status(hook: string, socket: string): Promise<string> {
  const { stderr } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      TS_LOADER,
      "--import",
      pathToFileURL(hook).href,
      "src/cli/main.ts",
      "status",
      "--json",
      "--socket",
      socket,
      "--timeout",
      "2",
    ],
    { cwd: ROOT },
  );
  return stderr;
}

t.test("no socket: status reads sysfs without resolving any gRPC package", async (t) => {
  const dir = t.testdir({ "hook.mjs": HOOK });
  const stderr = await status(join(dir, "hook.mjs"), join(dir, "none.sock"));
  t.match(stderr, /showing what sysfs says/);
  t.notMatch(stderr, /RESOLVED @grpc/);
});

t.test("control: something listening makes status load the client", async (t) => {
  const dir = t.testdir({ "hook.mjs": HOOK });
  // Socket paths must fit sun_path (108 bytes): the fixture directory is too deep.
  const short = mkdtempSync(join(tmpdir(), "eal-"));
  t.teardown(() => rmSync(short, { recursive: true, force: true }));
  const socket = join(short, "s.sock");
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const stderr = await status(join(dir, "hook.mjs"), socket);
  t.match(stderr, /RESOLVED @grpc\/grpc-js/);
  t.match(stderr, /did not list devices .*; showing what sysfs says/);
});
