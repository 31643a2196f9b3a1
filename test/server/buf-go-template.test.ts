/**
 * buf.gen.go.yaml, the Go stubs' generation config, drives buf as its
 * comment says: the agent's own proto only, with a Go package set by
 * managed mode. The Go plugins are stand-ins that keep the request buf
 * sends them (the real ones need a Go toolchain), and answer with no files.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

t.test("buf generate with buf.gen.go.yaml asks for the agent's proto only", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "eabufgo-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const plugin of ["protoc-gen-go", "protoc-gen-go-grpc"]) {
    // An empty CodeGeneratorResponse is zero bytes: print nothing. Requests
    // are appended: buf may call a plugin once per proto directory.
    writeFileSync(join(dir, plugin), `#!/bin/sh\ncat >> "${join(dir, plugin)}.request"\n`);
    chmodSync(join(dir, plugin), 0o755);
  }
  execFileSync(
    join(ROOT, "node_modules/.bin/buf"),
    ["generate", "--template", "buf.gen.go.yaml", "-o", join(dir, "out")],
    {
      cwd: ROOT,
      env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  for (const plugin of ["protoc-gen-go", "protoc-gen-go-grpc"]) {
    // The request is protobuf; its strings are plain bytes in it.
    const request = readFileSync(join(dir, `${plugin}.request`)).toString("latin1");
    t.match(request, "eniagent/v1/agent.proto", `${plugin} generates the agent's API`);
    t.match(request, "eni-agent/gen/go/eniagent/v1", "in the managed Go package");
    t.notMatch(request, /kubelet\/|grpc\/health\//, "and not the other projects' protos");
  }
});
