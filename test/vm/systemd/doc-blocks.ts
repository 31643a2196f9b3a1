/**
 * The README's install section and the documented configurations, read from
 * the documents themselves, so that the guest runs what a user reads, word
 * for word, and a document that changes changes the test.
 */

/** One fenced block of the install section, in document order. */
export interface InstallStep {
  kind: "sh" | "json";
  text: string;
}

export interface DocumentedConfig {
  /** "README.md #1": where it is shown. */
  source: string;
  text: string;
}

export const INSTALL_HEADING = "## Installing on an EC2 host";

/** Fenced blocks ("```sh", "```json") of `markdown`, indentation removed. */
export function fencedBlocks(markdown: string): { lang: string; text: string }[] {
  const blocks: { lang: string; text: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) {
      body.push(lines[j]!.slice(Math.min(indent, lines[j]!.search(/\S|$/))));
      j++;
    }
    blocks.push({ lang: open[2]!, text: `${body.join("\n")}\n` });
    i = j;
  }
  return blocks;
}

/** The section under `heading`, up to the next heading of the same level. */
export function section(markdown: string, heading: string): string {
  const at = markdown.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`no section "${heading}"`);
  const level = heading.split(" ")[0]!;
  const rest = markdown.slice(at + heading.length + 2);
  const next = rest.search(new RegExp(`^${level} `, "m"));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The README's install section as shell and JSON steps, in order. */
export function installSteps(readme: string): InstallStep[] {
  const steps = fencedBlocks(section(readme, INSTALL_HEADING)).filter(
    (b) => b.lang === "sh" || b.lang === "json",
  );
  if (!steps.some((s) => s.lang === "json") || steps.filter((s) => s.lang === "sh").length < 2) {
    throw new Error(`${INSTALL_HEADING}: expected shell steps around a JSON configuration`);
  }
  return steps.map((b) => ({ kind: b.lang as "sh" | "json", text: b.text }));
}

/** Every JSON block of a document that is one object: a configuration it shows. */
export function documentedConfigs(file: string, markdown: string): DocumentedConfig[] {
  const out: DocumentedConfig[] = [];
  for (const b of fencedBlocks(markdown)) {
    if (b.lang !== "json") continue;
    let value: unknown;
    try {
      value = JSON.parse(b.text);
    } catch {
      continue; // log lines, several documents in one block
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value) && isConfig(value)) {
      out.push({ source: `${file} #${out.length + 1}`, text: b.text });
    }
  }
  return out;
}

/** A daemon configuration, not an API error or a CLI document: it has a daemon key. */
function isConfig(value: object): boolean {
  const keys = [
    "listeners",
    "bindings",
    "ec2",
    "imds",
    "stateDir",
    "allowedDevices",
    "termination",
  ];
  return Object.keys(value).some((k) => keys.includes(k)) && !("version" in value);
}
