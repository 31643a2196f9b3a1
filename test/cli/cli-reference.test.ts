/**
 * docs/cli.md's command pages, the manual pages under man/ and package.json's
 * "man" list are generated from the commands' --help (scripts/cli-reference.ts):
 * they are current, and the roff keeps the help's text as it is.
 */
import { readFileSync } from "node:fs";
import t from "tap";
import {
  currentManFiles,
  renderAll,
  renderCommandPages,
  renderManPage,
} from "../../scripts/cli-reference.js";

const REPO = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, REPO), "utf8");

t.test("docs/cli.md, man/ and package.json's man list are what --help gives", async (t) => {
  const files = await renderAll(read("docs/cli.md"));
  for (const [path, text] of files)
    t.equal(read(path), text, `${path} stale: run npm run docs:cli`);
  t.same(
    currentManFiles().filter((path) => !files.has(path)),
    [],
    "no manual page of a command that is gone",
  );
});

const PAGE = {
  command: "demo",
  summary: "Show a demo",
  help: `NAME
    eni-agent demo - show a demo

SYNOPSIS
    eni-agent demo [--flag]

DESCRIPTION
    .starts with a dot, holds a \\ backslash
      and keeps its indentation.

`,
};

t.test("a manual page keeps the help's lines, escaped for roff", async (t) => {
  t.equal(
    renderManPage(PAGE, "1.2.3"),
    `.TH ENI-AGENT-DEMO 1 "" "eni-agent 1.2.3" "eni-agent manual"
.SH NAME
eni-agent-demo \\- show a demo
.SH SYNOPSIS
.nf
eni\\-agent demo [\\-\\-flag]
.fi
.SH DESCRIPTION
.nf
\\&.starts with a dot, holds a \\e backslash
  and keeps its indentation.
.fi
`,
  );
});

t.test("the command pages list each command and print its page verbatim", async (t) => {
  const section = renderCommandPages([PAGE]);
  t.match(section, "| [`demo`](#eni-agent-demo) | Show a demo  |");
  t.match(section, `### eni-agent demo\n\n\`\`\`text\n${PAGE.help.trimEnd()}\n\`\`\``);
});
