/**
 * The executor: runs a journaled plan, verifies by observation, and on any
 * failure runs the inverse plan back to the snapshot and verifies that too.
 *
 * journal begin (durable) → steps → verify → journal commit
 *                              ↘ failure → re-observe → plan to snapshot → steps → verify
 *                                           → journal rolled_back | rollback_failed
 *
 * The inverse plan is computed from what the device shows after the failure,
 * not by reversing the forward steps: a failed or timed-out write may or may
 * not have taken effect, and only the kernel knows which.
 */
import { AgentError, isAgentError, type PciAddress } from "../common/index.js";
import { type PciDevice, readBinding, readDevice, readPciIds, type Sysfs } from "../sysfs/index.js";
import type { Clock } from "./clock.js";
import { type KernelVersion, stepError } from "./diagnose.js";
import { checkAllowlist, checkNetdevGuards, type GuardDeps } from "./guards.js";
import { describeState, mismatch, stateOf, type VerifyOptions, verify } from "./observe.js";
import type { OperationBook } from "./operation-book.js";
import { planSteps, snapshotTarget, stepWrite, takesFromKernel } from "./plan-transaction.js";
import type {
  BindingTarget,
  DeviceState,
  ErrorSummary,
  OperationHeader,
  OperationOutcome,
  OperationView,
  ProgressEvent,
  Step,
} from "./types.js";
import type { GateResult, WriteGate } from "./write-gate.js";

/** Points where a crash test may stop the process: "begun", "step:<i>", "verified", "rollback", "ended". */
export type Boundary = string;

export interface TransactionDeps {
  sysfs: Sysfs;
  /** "vendor:device" ids the engine may write for: checked here, before any write. */
  allowedIds: readonly string[];
  /** What recovery re-checks before a rollback takes a device from the kernel. */
  guards: GuardDeps;
  gate: WriteGate;
  clock: Clock;
  book: OperationBook;
  kernel: KernelVersion | null;
  verify: VerifyOptions;
  emit(event: ProgressEvent): void;
  /** Test hook, awaited at each boundary (crash tests stop the process there). */
  boundary?(operationId: string, at: Boundary): void | Promise<void>;
}

export type TransactionResult =
  | { status: "committed"; state: DeviceState }
  | { status: "rolled_back"; state: DeviceState; error: AgentError }
  | { status: "rollback_failed"; state: DeviceState | null; error: AgentError }
  /** A write is blocked in the kernel; `settled` resolves once the operation is resolved after it returns. */
  | { status: "stuck"; error: AgentError; settled: Promise<TransactionResult> };

/** Recovery would not act: a guard refused (`error.guard`), or the device could not be read. */
export type Refused = { status: "refused"; error: AgentError };

type Applied =
  | { kind: "ok" }
  | { kind: "failed"; error: AgentError }
  | { kind: "stuck"; result: Extract<GateResult, { kind: "stuck" }> };

/**
 * The allowlist check every sysfs write of the engine passes: writes happen
 * only in `runTransaction` (which checks the ids prepare read) and in the
 * recovery of an open operation, which calls this first. The ids are the
 * kernel's, read now, never a record's (a journal record can lie; an NVMe
 * disk is a PCI device too). A device that is gone has nothing to write to.
 */
async function checkManaged(deps: TransactionDeps, address: PciAddress): Promise<void> {
  const ids = await readPciIds(deps.sysfs, address);
  if (ids !== null) checkAllowlist({ address, ...ids }, deps.allowedIds);
}

/**
 * Journals `header` (durably) and runs it. Throws, before anything is
 * journaled or written, when the device is not managed; otherwise only when
 * the journal refuses the begin record. `ids` are the device's as prepare
 * read them from sysfs under this operation's lock, moments ago: the kernel's,
 * not a record's, so the allowlist check needs no second read.
 */
export async function runTransaction(
  deps: TransactionDeps,
  header: OperationHeader,
  ids: { vendor: string; device: string },
): Promise<TransactionResult> {
  checkAllowlist({ address: header.device, ...ids }, deps.allowedIds);
  const waitEnded = await deps.book.begin(header);
  deps.emit({
    type: "begin",
    operationId: header.id,
    device: header.device,
    kind: header.kind,
    steps: header.steps,
  });
  // A revert's own end reports the wait it ended, with its outcome.
  if (waitEnded !== null && header.reverts === undefined) emitConfirmation(deps, waitEnded);
  await deps.boundary?.(header.id, "begun");
  const applied = await applySteps(deps, header, header.steps);
  if (applied.kind === "stuck") return stuck(deps, header, applied.result);
  if (applied.kind === "failed") return rollback(deps, header, applied.error);
  const checked = await verifyTarget(deps, header.id, header.device, header.target);
  if (!checked.ok) return rollback(deps, header, checked.error);
  await deps.boundary?.(header.id, "verified");
  return finish(deps, header.id, { status: "committed", state: checked.state });
}

/**
 * Resolves an operation whose write was stuck and has now returned: commit
 * when the device verifiably is at the target, otherwise roll back to the
 * snapshot. The device stayed locked throughout, so its plan still holds.
 */
async function resolveOpen(
  deps: TransactionDeps,
  header: OperationHeader,
  cause: AgentError,
): Promise<TransactionResult> {
  const device = await readBinding(deps.sysfs, header.device);
  if (device !== null && mismatch(stateOf(device), header.target) === null) {
    return finish(deps, header.id, { status: "committed", state: stateOf(device) });
  }
  return rollback(deps, header, cause);
}

/**
 * Resolves an operation a dead agent left open, the last one begun on its
 * device. Its header comes from the journal, which may be damaged or forged,
 * so nothing is trusted that sysfs can say: the allowlist is checked on the
 * device's ids as read now, and a rollback that would take the device from
 * its kernel netdev driver passes the network guards first (the journal's
 * word is never forced). A refusal writes nothing and leaves it open.
 */
export async function recoverOpen(
  deps: TransactionDeps,
  header: OperationHeader,
  cause: AgentError,
): Promise<TransactionResult | Refused> {
  let device: PciDevice | null;
  try {
    await checkManaged(deps, header.device);
    device = await readDevice(deps.sysfs, header.device);
    if (device !== null && mismatch(stateOf(device), header.target) === null) {
      return finish(deps, header.id, { status: "committed", state: stateOf(device) });
    }
    if (device !== null && takesFromKernel(device, header.snapshot.driver)) {
      await checkNetdevGuards(device, deps.guards);
    }
  } catch (err) {
    if (!isAgentError(err)) throw err;
    return { status: "refused", error: withOperation(err, header.id) };
  }
  return rollback(deps, header, cause);
}

async function applySteps(
  deps: TransactionDeps,
  header: OperationHeader,
  steps: readonly Step[],
): Promise<Applied> {
  for (const [index, step] of steps.entries()) {
    await deps.boundary?.(header.id, `step:${index}`);
    const write = stepWrite(header.device, step);
    deps.emit({ type: "step", operationId: header.id, index, step, path: write.path });
    const started = deps.clock.now();
    let result: GateResult;
    try {
      result = await deps.gate.write({ device: header.device, ...write });
    } catch (err) {
      return { kind: "failed", error: stepError(header.device, step, err, deps.kernel) };
    }
    if (result.kind === "stuck") return { kind: "stuck", result };
    deps.emit({
      type: "step-done",
      operationId: header.id,
      index,
      step,
      elapsedMs: deps.clock.now() - started,
    });
  }
  return { kind: "ok" };
}

async function verifyTarget(
  deps: TransactionDeps,
  operationId: string,
  device: PciAddress,
  target: BindingTarget,
): Promise<
  { ok: true; state: DeviceState } | { ok: false; state: DeviceState | null; error: AgentError }
> {
  deps.emit({ type: "verify", operationId, target });
  const checked = await verify(deps.sysfs, deps.clock, device, target, deps.verify);
  if (checked.ok) return checked;
  return {
    ok: false,
    state: checked.state,
    error: new AgentError(
      "UNAVAILABLE",
      `device ${device} did not reach its target within ${deps.verify.timeoutMs} ms: ${checked.why} (${describeState(checked.state)})`,
      { device, operationId, remedy: "read dmesg for the driver's probe messages" },
    ),
  };
}

/**
 * Back to the snapshot. Plans from what the device shows now; one more
 * round if a step fails (the failure may have changed the device), then
 * verifies the snapshot.
 */
async function rollback(
  deps: TransactionDeps,
  header: OperationHeader,
  cause: AgentError,
): Promise<TransactionResult> {
  await deps.boundary?.(header.id, "rollback");
  const target = snapshotTarget(header.snapshot);
  let lastError: AgentError | null = null;
  for (let round = 0; round < 2; round += 1) {
    const device = await readBinding(deps.sysfs, header.device);
    if (device === null) break;
    const steps = planSteps({ driver: device.driver, override: device.driverOverride }, target);
    deps.emit({ type: "rollback", operationId: header.id, reason: summarize(cause), steps });
    const applied = await applySteps(deps, header, steps);
    if (applied.kind === "stuck") return stuck(deps, header, applied.result);
    if (applied.kind === "ok") break;
    lastError = applied.error;
  }
  const checked = await verifyTarget(deps, header.id, header.device, target);
  if (checked.ok) {
    return finish(deps, header.id, { status: "rolled_back", state: checked.state, error: cause });
  }
  const why =
    lastError === null ? checked.error.message : `${lastError.message}; ${checked.error.message}`;
  const error = new AgentError(
    "INTERNAL",
    `${cause.message}; rollback failed: ${why}; device ${header.device} is DEGRADED and will be repaired`,
    {
      device: header.device,
      operationId: header.id,
      errno: cause.errno,
      path: cause.path,
      remedy: "the agent retries the repair with backoff; eni-agent ops shows the exact state",
      cause,
    },
  );
  return finish(deps, header.id, { status: "rollback_failed", state: checked.state, error });
}

function stuck(
  deps: TransactionDeps,
  header: OperationHeader,
  result: Extract<GateResult, { kind: "stuck" }>,
): TransactionResult {
  const error = withOperation(result.error, header.id);
  // Journal the stuck state, then resolve the operation once the kernel
  // returns from the write (commit if the device got there, else roll back).
  const settled = deps.book
    .stuck(header.id, null, summarize(error))
    .catch(() => undefined)
    .then(() => {
      deps.emit({ type: "end", operationId: header.id, status: "stuck", error: summarize(error) });
      return result.settled;
    })
    .then((late) => resolveOpen(deps, header, late === null ? error : late));
  return { status: "stuck", error, settled };
}

/**
 * Journals the end of an operation. A refused end record is not dropped:
 * the book keeps it for the retry (and health says so), and until it is
 * written a restart still finds the operation open, which is safe because
 * only a device's last operation is ever resolved.
 */
async function finish(
  deps: TransactionDeps,
  operationId: string,
  result: Exclude<TransactionResult, { status: "stuck" }>,
): Promise<TransactionResult> {
  const error = "error" in result ? summarize(result.error) : null;
  await deps.book.end(operationId, result.status, result.state, error);
  await deps.boundary?.(operationId, "ended");
  deps.emit({ type: "end", operationId, status: result.status, error });
  const view = deps.book.get(operationId);
  if (view?.confirmation?.state === "pending") emitConfirmation(deps, view);
  const reverted = view?.header.reverts && deps.book.get(view.header.reverts);
  if (reverted) emitConfirmation(deps, reverted, result.status);
  return result;
}

/** Where the confirmation of `view` stands now, as an event; `outcome`: of its revert. */
export function emitConfirmation(
  deps: Pick<TransactionDeps, "emit">,
  view: OperationView,
  outcome: OperationOutcome | null = null,
): void {
  const confirmation = view.confirmation;
  if (confirmation === null) return;
  deps.emit({
    type: "confirmation",
    operationId: view.header.id,
    device: view.header.device,
    state: confirmation.state,
    deadline: confirmation.deadline,
    by: confirmation.by,
    revertOutcome: outcome,
  });
}

export function summarize(err: AgentError): ErrorSummary {
  const out: ErrorSummary = { code: err.code, message: err.message };
  if (err.errno !== undefined) out.errno = err.errno;
  if (err.path !== undefined) out.path = err.path;
  if (err.remedy !== undefined) out.remedy = err.remedy;
  return out;
}

function withOperation(err: AgentError, operationId: string): AgentError {
  return new AgentError(err.code, err.message, { ...err.details(), operationId, cause: err });
}
