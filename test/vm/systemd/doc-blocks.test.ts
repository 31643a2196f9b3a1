/**
 * What the systemd guest reads from the documents (issue 11): the README's
 * install steps around one configuration, a package step naming the tarball
 * `npm pack` makes now, and documented configurations the daemon's schema
 * accepts (the guest then starts each under the unit).
 */
import { readFileSync } from "node:fs";
import t from "tap";
import { parseConfig } from "../../../src/agent/config-schema.js";
import { documentedConfigs, fencedBlocks, installSteps, section } from "./doc-blocks.js";
import { isPackageStep } from "./systemd-image.js";

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

t.test("fenced blocks keep their language and lose the list indentation", async (t) => {
  const md = "# A\n\n1. step\n\n   ```sh\n   echo one\n     indented\n   ```\n\n```json\n{}\n```\n";
  t.same(fencedBlocks(md), [
    { lang: "sh", text: "echo one\n  indented\n" },
    { lang: "json", text: "{}\n" },
  ]);
  t.equal(section("x\n## A\nin a\n### sub\nstill\n## B\nout\n", "## A"), "in a\n### sub\nstill\n");
  t.throws(() => section("## B\n", "## A"), { message: /no section/ });
});

t.test("the README's install section: package step, shell steps, one configuration", async (t) => {
  const steps = installSteps(read("README.md"));
  const version = JSON.parse(read("package.json")).version as string;
  const pkg = steps.filter(isPackageStep);
  t.equal(pkg.length, 1, "one step installs the package (run at build time in the guest's root)");
  t.match(pkg[0]?.text, `./eni-agent-${version}.tgz`, "it names the tarball npm pack makes");
  t.equal(steps.filter((s) => s.kind === "json").length, 1);
  t.match(steps.at(-1)?.text, /systemctl enable --now eni-agent/);
  t.throws(() => installSteps("\n## Installing on an EC2 host\n\n```sh\nx\n```\n"), {
    message: /expected shell steps/,
  });
});

t.test("every documented daemon configuration passes the daemon's schema", async (t) => {
  const configs = [
    ...documentedConfigs("README.md", read("README.md")),
    ...documentedConfigs("docs/daemon.md", read("docs/daemon.md")),
    ...documentedConfigs("docs/driver.md", read("docs/driver.md")),
  ];
  t.ok(configs.length >= 3, configs.map((c) => c.source).join(", "));
  for (const c of configs)
    t.doesNotThrow(() => parseConfig(JSON.parse(c.text), c.source), c.source);
  t.same(
    documentedConfigs(
      "x.md",
      '```json\n{"code": "NOT_FOUND"}\n```\n```json\n{"a":1}\n{"b":2}\n```\n',
    ),
    [],
  );
});
