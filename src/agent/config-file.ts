/**
 * Reads the configuration file. A missing file is the defaults only when it
 * is the default path (a host without configuration); a file named on the
 * command line must exist. Also resolves the files the configuration points
 * at (TLS PEMs, socket group names), so that a bad path fails at load time,
 * naming its key, instead of when a listener starts.
 */
import { readFile } from "node:fs/promises";
import { AgentError } from "../common/index.js";
import { type TlsField, tlsMaterialProblem } from "../server/tls-material.js";
import { configError } from "./config-kit.js";
import { type AgentConfig, parseConfig } from "./config-schema.js";

interface LoadConfigOptions {
  /** True when the path came from --config: then it must exist. */
  explicit: boolean;
  /**
   * Applied to the parsed JSON before validation, e.g. command-line overrides
   * (--socket, --log-level), so they are validated like the file and survive
   * reloads.
   */
  transform?: (json: unknown) => unknown;
}

/** Loads and validates `path`. Throws INVALID_ARGUMENT `<file>: <key>: <reason>`, or NOT_FOUND. */
export async function loadConfigFile(
  path: string,
  options: LoadConfigOptions,
): Promise<AgentConfig> {
  const transform = options.transform ?? ((json: unknown) => json);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !options.explicit) return parseConfig(transform({}), path);
    throw new AgentError(
      code === "ENOENT" ? "NOT_FOUND" : "FAILED_PRECONDITION",
      `${path}: cannot read the configuration (${code ?? String(err)})`,
      { path, errno: code, syscall: "open", cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw configError(path, "(file)", `not valid JSON: ${(err as Error).message}`);
  }
  // Validation, the overrides and the freeze walk the value recursively: a
  // hostile nesting would overflow the stack (a RangeError, not a config error).
  if (nestedDeeperThan(json, MAX_CONFIG_DEPTH)) {
    throw configError(
      path,
      "(file)",
      `nested deeper than ${MAX_CONFIG_DEPTH} levels; the configuration is at most a few deep`,
    );
  }
  return parseConfig(transform(json), path);
}

/** Far beyond the deepest key (termination.act.spot[0] is 4); far below what recursion survives. */
const MAX_CONFIG_DEPTH = 32;

/** Whether arrays and objects nest deeper than `max`; iterative, so any depth is safe to ask about. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== "object" || item === null) continue;
    if (depth >= max) return true;
    for (const inner of Object.values(item)) pending.push([inner, depth + 1]);
  }
  return false;
}

/** The PEM files of a TCP listener, read now. */
export async function readTlsFiles(
  tls: NonNullable<AgentConfig["listeners"]["tcp"]>["tls"],
  file: string,
): Promise<{ certChain: Buffer; privateKey: Buffer; clientCa: Buffer }> {
  const read = async (key: "cert" | "key" | "clientCa"): Promise<Buffer> => {
    try {
      return await readFile(tls[key]);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw configError(file, `listeners.tcp.tls.${key}`, `cannot read ${tls[key]} (${code})`);
    }
  };
  const [certChain, privateKey, clientCa] = await Promise.all([
    read("cert"),
    read("key"),
    read("clientCa"),
  ]);
  const material = { certChain, privateKey, clientCa };
  // An empty or garbage CA bundle would start a listener that refuses every client.
  const problem = tlsMaterialProblem(material);
  if (problem !== null) {
    const key = TLS_KEYS[problem.field];
    throw configError(file, `listeners.tcp.tls.${key}`, `${tls[key]} ${problem.reason}`);
  }
  return material;
}

const TLS_KEYS: Readonly<Record<TlsField, "cert" | "key" | "clientCa">> = {
  certChain: "cert",
  privateKey: "key",
  clientCa: "clientCa",
};

/** A socket group as a gid: numbers pass through, names are looked up in `<etc>/group`. */
export async function resolveGroup(
  group: string | number | null,
  key: string,
  file: string,
  groupFile = "/etc/group",
): Promise<number | null> {
  if (group === null || typeof group === "number") return group;
  let text: string;
  try {
    text = await readFile(groupFile, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw configError(file, key, `cannot look up group ${group}: ${groupFile}: ${code}`);
  }
  for (const line of text.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw configError(file, key, `no group named ${JSON.stringify(group)} in ${groupFile}`);
}
