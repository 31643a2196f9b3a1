/**
 * Progress lines of one operation, fed with the daemon's operation events.
 * Each event carries the whole operation as it stands; this prints what
 * changed since the last one: a step that started (or finished without us
 * seeing it start), failed or was undone by the rollback. On a terminal it
 * redraws one line instead; elsewhere (logs, pipes) it prints one line per
 * change. Progress goes to stderr: stdout is for the result.
 */
import type { CliIo } from "../command.js";
import type { OperationJson } from "./to-json.js";

interface ProgressTarget {
  pciAddress: string;
  kind: "bind" | "restore";
  /** The driver asked for (bind); any for restore. */
  driver: string | null;
}

export class OperationProgress {
  readonly #io: CliIo;
  readonly #target: ProgressTarget;
  readonly #tty: boolean;
  #id: string | null = null;
  #seen: string[] = [];
  #headed = false;
  #open = false;

  constructor(io: CliIo, target: ProgressTarget) {
    this.#io = io;
    this.#target = target;
    this.#tty = io.stderr.isTTY === true;
  }

  /** Feeds one operation_progress or operation_result event's operation. */
  update(op: OperationJson): void {
    if (!this.#follows(op)) return;
    const n = op.steps.length;
    if (!this.#headed && n > 0) {
      this.#headed = true;
      this.#line(
        `${op.pciAddress}: ${op.kind} to ${op.toDriver ?? "?"}, operation ${op.id} (${n} step${n === 1 ? "" : "s"})`,
        true,
      );
    }
    op.steps.forEach((step, i) => {
      const before = this.#seen[i];
      if (before === step.status) return;
      const label = `  [${i + 1}/${n}] ${step.description}`;
      if (step.status === "running") this.#line(label, false);
      else if (step.status === "done" && before !== "running") this.#line(label, false);
      else if (step.status === "failed") this.#line(`${label}: failed`, true);
      else if (step.status === "undone")
        this.#line(`  [${i + 1}/${n}] undone: ${step.description}`, false);
    });
    this.#seen = op.steps.map((s) => s.status);
  }

  /** Ends a redrawn line so that what follows starts on its own. */
  finish(): void {
    if (this.#open) this.#io.stderr.write("\n");
    this.#open = false;
  }

  #follows(op: OperationJson): boolean {
    if (this.#id !== null) return op.id === this.#id;
    const t = this.#target;
    const matches =
      op.pciAddress === t.pciAddress &&
      op.kind === t.kind &&
      (t.driver === null || op.toDriver === t.driver) &&
      !op.dryRun;
    if (matches) this.#id = op.id;
    return matches;
  }

  /** `keep`: a line that must stay visible even on a terminal (header, failure). */
  #line(text: string, keep: boolean): void {
    if (!this.#tty) {
      this.#io.stderr.write(`${text}\n`);
      return;
    }
    this.#io.stderr.write(`\r\x1b[K${text}${keep ? "\n" : ""}`);
    this.#open = !keep;
  }
}
