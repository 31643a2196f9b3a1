/**
 * The daemon's process warnings (a library's deprecation or version notice,
 * a MaxListenersExceeded leak hint) belong in its JSON log, one line each:
 * node's own handler prints them to stderr as several lines of free text,
 * which journald splits into unrelated records and `jq` cannot read.
 */

/** A warning as the log records it. */
export interface ProcessWarning {
  name: string;
  code: string | null;
  /** The text on one line: journald keeps a record per line. */
  message: string;
}

/** Where process warnings come from; tests pass their own. */
export interface WarningSource {
  /** Calls `handler` for every warning instead of printing it; returns the function that stops that. */
  onWarning(handler: (warning: ProcessWarning) => void): () => void;
}

/** Takes the process's warnings over from node's printer until the returned function is called. */
export const processWarnings: WarningSource = {
  onWarning(handler) {
    const printers = process.listeners("warning");
    const listener = (warning: Error): void => handler(toProcessWarning(warning));
    process.removeAllListeners("warning");
    process.on("warning", listener);
    return () => {
      process.off("warning", listener);
      for (const printer of printers) process.on("warning", printer);
    };
  },
};

export function toProcessWarning(warning: Error): ProcessWarning {
  const code = (warning as NodeJS.ErrnoException).code;
  return {
    name: warning.name,
    code: typeof code === "string" ? code : null,
    message: warning.message.replace(/\s+/g, " ").trim(),
  };
}
