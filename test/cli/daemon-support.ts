/**
 * The CLI against a real gRPC server on a temp Unix socket: an in-process
 * AgentServer (src/server) with a test core that behaves like the daemon's
 * for the calls the CLI makes: bind and restore emit operation_progress per
 * step, move the device, and emit operation_result before answering.
 */
import type { Test } from "tap";
import type { CliIo } from "../../src/cli/command.js";
import { runCli } from "../../src/cli/run-cli.js";
import type { Clock } from "../../src/common/clock.js";
import type { DriverName } from "../../src/common/index.js";
import type { CallContext } from "../../src/server/agent-core.js";
import type {
  BindRequest,
  DeviceRecord,
  DeviceSelector,
  OperationRecord,
  OperationStep,
  RestoreRequest,
} from "../../src/server/core-types.js";
import { FakeCore, operation } from "../server/fake-core.js";
import { type Harness, startHarness } from "../server/harness.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  tty?: boolean;
  /** Standard output is a terminal (a person watches: countdowns). */
  stdoutTty?: boolean;
  clock?: Clock;
  /** Called with what stdout holds so far, after each write. */
  onStdout?: (text: string) => void;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

/** Runs the CLI in-process with captured output. */
export async function cli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(stdout);
      },
      isTTY: options.stdoutTty ?? false,
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    env: options.env ?? {},
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** The steps a bind of `pci` to `driver` writes, all pending, described as the daemon does. */
function plannedSteps(pci: string, from: string | null, to: string): OperationStep[] {
  const step = (path: string | null, value: string | null) => ({
    description: path === null ? "verify" : `write ${JSON.stringify(value)} to ${path}`,
    path,
    value,
    status: "pending" as const,
  });
  return [
    step(`bus/pci/devices/${pci}/driver_override`, to),
    step(`bus/pci/drivers/${from}/unbind`, pci),
    step(`bus/pci/drivers/${to}/bind`, pci),
    step(null, null),
  ];
}

/**
 * FakeCore whose bind and restore run like the daemon's: progress per step,
 * the device moved, a result event, then the answer. `moveDevice = false`
 * answers success without moving it (a daemon that lies, or a race).
 */
export class DaemonLikeCore extends FakeCore {
  moveDevice = true;
  /** The next bind fails at this step index with this error, after emitting progress. */
  failAtStep: { index: number; error: Error } | null = null;
  /** Operations wait at this step index until the promise settles (a slow kernel). */
  holdAtStep: { index: number; until: Promise<void> } | null = null;

  override async bindDevice(request: BindRequest, ctx: CallContext): Promise<OperationRecord> {
    if (request.dryRun || this.failures.has("bindDevice")) return super.bindDevice(request, ctx);
    this.received.push({ method: "bindDevice", args: [request], ctx });
    const op = await this.#run("bind", request.selector, request.driver, request);
    if (request.confirmWithinMs === null) return op;
    // A bind on trial: committed, awaiting confirmation from its finish on.
    const stored = this.operations.find((o) => o.id === op.id)!;
    stored.status = "awaiting_confirmation";
    stored.confirmation = {
      deadline: new Date(stored.finishedAt!.getTime() + request.confirmWithinMs),
      state: "pending",
      by: null,
      updatedAt: null,
    };
    return { ...stored };
  }

  override async restoreDevice(
    request: RestoreRequest,
    ctx: CallContext,
  ): Promise<OperationRecord> {
    if (request.dryRun || this.failures.has("restoreDevice"))
      return super.restoreDevice(request, ctx);
    this.received.push({ method: "restoreDevice", args: [request], ctx });
    return this.#run("restore", request.selector, "ena" as DriverName, request);
  }

  find(selector: DeviceSelector): DeviceRecord {
    const found = this.devices.find((d) =>
      selector.by === "pci"
        ? d.pciAddress === selector.pciAddress
        : selector.by === "interface"
          ? d.identity.interfaceName === selector.interfaceName
          : selector.by === "mac"
            ? d.identity.mac === selector.mac
            : d.identity.eniId === selector.eniId,
    );
    if (found === undefined) throw new Error("test core: no such device");
    return found;
  }

  async #run(
    kind: "bind" | "restore",
    selector: DeviceSelector,
    driver: DriverName,
    request: { force: boolean; persist: boolean },
  ): Promise<OperationRecord> {
    const device = this.find(selector);
    const op = operation(`op-${this.operations.length + 1}`, {
      kind,
      status: "running",
      pciAddress: device.pciAddress,
      fromDriver: device.driver,
      toDriver: driver,
      force: request.force,
      persist: request.persist,
      steps: plannedSteps(device.pciAddress, device.driver, driver),
      finishedAt: null,
    });
    this.operations.unshift(op);
    const snapshot = (): OperationRecord => ({ ...op, steps: op.steps.map((s) => ({ ...s })) });
    for (const [i, step] of op.steps.entries()) {
      step.status = "running";
      this.emit({ kind: "operation_progress", operation: snapshot() });
      // Let the event reach the client before the next one (the daemon's steps take time too).
      await new Promise((r) => setImmediate(r));
      if (this.holdAtStep?.index === i) await this.holdAtStep.until;
      if (this.failAtStep?.index === i) {
        const { error } = this.failAtStep;
        this.failAtStep = null;
        step.status = "failed";
        for (const done of op.steps.slice(0, i)) done.status = "undone";
        op.status = "rolled_back";
        this.emit({ kind: "operation_result", operation: snapshot() });
        throw error;
      }
      step.status = "done";
    }
    if (this.moveDevice) {
      device.driver = driver;
      device.state = driver === "ena" ? "kernel" : "dpdk";
    }
    op.status = "succeeded";
    op.finishedAt = new Date(op.createdAt.getTime() + 42);
    this.emit({ kind: "operation_result", operation: snapshot() });
    return snapshot();
  }
}

export interface Daemon extends Harness {
  core: DaemonLikeCore;
  /** Runs the CLI with `--socket` pointing at this daemon (appended). */
  run(argv: readonly string[], options?: RunOptions): Promise<CliRun>;
}

export async function startDaemon(t: Test, core = new DaemonLikeCore()): Promise<Daemon> {
  const h = await startHarness(t, () => ({}), core);
  return {
    ...h,
    core,
    run: (argv, options) => cli([...argv, "--socket", h.socketPath], options),
  };
}
