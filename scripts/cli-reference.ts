/**
 * Generates the command pages of docs/cli.md and the manual pages under
 * man/ from the one source they describe: each command's HELP (what
 * `eni-agent COMMAND --help` prints) and the top-level help, so neither can
 * say what the command does not.
 *
 *   npm run docs:cli            rewrite docs/cli.md's command pages and man/
 *   npm run docs:cli -- --check exit 1 if any of them is out of date
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../src/cli/commands.js";
import { topLevelHelp } from "../src/cli/run-cli.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const DOC = join(REPO, "docs/cli.md");
const MAN_DIR = join(REPO, "man");
export const BEGIN = "<!-- BEGIN GENERATED COMMAND PAGES (npm run docs:cli) -->";
export const END = "<!-- END GENERATED COMMAND PAGES -->";

/** One manual page: the command's name ("" for eni-agent itself), its summary and its text. */
export interface Page {
  readonly command: string;
  readonly summary: string;
  readonly help: string;
}

/** Every page, eni-agent's own first, then the commands in the order of the command table. */
export async function pages(): Promise<Page[]> {
  const commands = await Promise.all(
    Object.entries(COMMANDS).map(async ([command, spec]) => ({
      command,
      summary: spec.summary,
      help: (await spec.load()).HELP,
    })),
  );
  return [{ command: "", summary: "", help: topLevelHelp() }, ...commands];
}

function title(page: Page): string {
  return page.command === "" ? "eni-agent" : `eni-agent ${page.command}`;
}

/** The section of docs/cli.md between the markers. */
export function renderCommandPages(all: readonly Page[]): string {
  const rows = all
    .filter((p) => p.command !== "")
    .map((p) => [`[\`${p.command}\`](#eni-agent-${p.command})`, p.summary.replaceAll("|", "\\|")]);
  const sections = all.map((p) => `### ${title(p)}\n\n\`\`\`text\n${p.help.trimEnd()}\n\`\`\``);
  return [
    "## Commands",
    "",
    "Each page is what `eni-agent COMMAND --help` prints (generated from it with",
    "`npm run docs:cli`; `man eni-agent-COMMAND` shows the same page).",
    "",
    table(["command", "what it does"], rows),
    "",
    sections.join("\n\n"),
  ].join("\n");
}

/** A Markdown table, columns padded so the source reads as a table too (as the formatter wants). */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [head, ...rows];
  const widths = head.map((_, i) => Math.max(3, ...lines.map((l) => l[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    line(head),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.map(line),
  ].join("\n");
}

/** `doc` with the section between the markers replaced by `section`. */
export function replaceSection(doc: string, section: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/cli.md needs the markers\n${BEGIN}\n${END}`);
  return `${doc.slice(0, begin + BEGIN.length)}\n\n${section}\n\n${doc.slice(end)}`;
}

/** The file name of a page under man/. */
export function manFile(page: Page): string {
  return `${page.command === "" ? "eni-agent" : `eni-agent-${page.command}`}.1`;
}

/** Text as roff shows it verbatim: backslashes escaped, no line read as a request. */
function roffText(line: string): string {
  const escaped = line.replaceAll("\\", "\\e").replaceAll("-", "\\-");
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

/**
 * The page in roff (man(7)): the help's sections as .SH, each body kept as
 * the help lays it out (.nf), one indentation level less. The NAME line
 * takes man's form, "eni-agent-bind \\- ...", for whatis and apropos.
 */
export function renderManPage(page: Page, version: string): string {
  const name = manFile(page).slice(0, -2);
  const out = [`.TH ${name.toUpperCase()} 1 "" "eni-agent ${version}" "eni-agent manual"`];
  for (const { heading, lines } of sectionsOf(page.help)) {
    out.push(`.SH ${heading}`);
    const named = heading === "NAME" ? /^eni-agent(?: [a-z]+)? - (.*)$/.exec(lines[0] ?? "") : null;
    if (named !== null) out.push(`${name} \\- ${roffText(named[1]!)}`);
    else out.push(".nf", ...lines.map(roffText), ".fi");
  }
  return `${out.join("\n")}\n`;
}

/** The help's sections: a heading line in capitals, then its body, one indentation level less. */
function sectionsOf(help: string): { heading: string; lines: string[] }[] {
  const sections: { heading: string; lines: string[] }[] = [];
  for (const line of help.split("\n")) {
    if (/^[A-Z][A-Z ]*$/.test(line)) sections.push({ heading: line, lines: [] });
    else sections.at(-1)?.lines.push(line.replace(/^ {1,4}/, ""));
  }
  for (const section of sections) {
    while (section.lines.at(-1) === "") section.lines.pop();
  }
  return sections;
}

/**
 * Every generated file as it should read, by path relative to the
 * repository: docs/cli.md, the manual pages, and package.json with "man"
 * listing exactly those pages (npm installs them).
 */
export async function renderAll(currentDoc: string): Promise<Map<string, string>> {
  const all = await pages();
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
    version: string;
    man?: string[];
  };
  const files = new Map<string, string>([
    ["docs/cli.md", replaceSection(currentDoc, renderCommandPages(all))],
  ]);
  for (const page of all) files.set(`man/${manFile(page)}`, renderManPage(page, pkg.version));
  const man = all.map((page) => `./man/${manFile(page)}`).sort();
  files.set("package.json", `${JSON.stringify({ ...pkg, man }, null, 2)}\n`);
  return files;
}

/** The paths under man/ that are there now. */
export function currentManFiles(): string[] {
  try {
    return readdirSync(MAN_DIR).map((f) => `man/${f}`);
  } catch {
    return [];
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await renderAll(readFileSync(DOC, "utf8"));
  const stale = [
    ...[...files]
      .filter(([path, text]) => {
        try {
          return readFileSync(join(REPO, path), "utf8") !== text;
        } catch {
          return true;
        }
      })
      .map(([path]) => path),
    ...currentManFiles().filter((path) => !files.has(path)),
  ];
  if (process.argv.includes("--check")) {
    if (stale.length > 0) {
      process.stderr.write(`stale: ${stale.join(", ")}: run npm run docs:cli\n`);
      process.exitCode = 1;
    }
  } else {
    mkdirSync(MAN_DIR, { recursive: true });
    for (const path of currentManFiles()) if (!files.has(path)) rmSync(join(REPO, path));
    for (const [path, text] of files) writeFileSync(join(REPO, path), text);
    process.stdout.write(`wrote ${[...files.keys()].join(", ")}\n`);
  }
}
