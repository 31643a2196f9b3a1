/**
 * Strict flag parsing for commands, on node:util's tokenizer. Every problem
 * is an AgentError INVALID_ARGUMENT (exit 2) with a message naming the flag,
 * decided on the tokens, never on node's message text.
 */
import { parseArgs } from "node:util";
import { AgentError, quoteInput } from "../common/index.js";

export interface FlagDef {
  type: "boolean" | "string";
  short?: string;
}

export type FlagValues<S extends Record<string, FlagDef>> = {
  [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : string | undefined;
};

interface ParsedFlags<S extends Record<string, FlagDef>> {
  values: FlagValues<S>;
  positionals: string[];
}

/**
 * Parses `argv` against `spec`. `--name=value` and `--name value` both work
 * for string flags; a value that starts with "-" must use the "=" form.
 */
export function parseFlags<S extends Record<string, FlagDef>>(
  command: string,
  argv: readonly string[],
  spec: S,
): ParsedFlags<S> {
  const { tokens } = parseArgs({
    args: [...argv],
    options: spec,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, boolean | string | undefined> = {};
  for (const [name, def] of Object.entries(spec))
    values[name] = def.type === "boolean" ? false : undefined;
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    const def = spec[token.name];
    if (def === undefined) {
      throw usage(command, `unknown option ${quoteInput(token.rawName)}`);
    }
    if (def.type === "boolean") {
      if (token.value !== undefined) {
        throw usage(command, `option ${token.rawName} takes no value`);
      }
      values[token.name] = true;
    } else {
      const value = token.value;
      if (value === undefined || value === "" || (!token.inlineValue && value.startsWith("-"))) {
        throw usage(command, `option ${token.rawName} needs a value`);
      }
      values[token.name] = value;
    }
  }
  return { values: values as FlagValues<S>, positionals };
}

export function usage(command: string, message: string): AgentError {
  return new AgentError("INVALID_ARGUMENT", message, {
    remedy: `run 'eni-agent ${command} --help' for usage`,
  });
}

/** Refuses positional arguments, for the commands that take none. */
export function noArguments(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw usage(command, `unexpected argument ${JSON.stringify(positionals[0])}`);
  }
}

/** Exactly `count` positional arguments, named by `what` ("one device") when there are not. */
export function exactArguments(
  command: string,
  positionals: readonly string[],
  count: number,
  what: string,
): string[] {
  if (positionals.length !== count) {
    throw usage(command, `expected ${what}, got ${positionals.length} argument(s)`);
  }
  return [...positionals];
}
