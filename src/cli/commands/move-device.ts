/**
 * The one flow of `bind` and `restore`: the flags they share, then either
 * the daemon does the move (runDeviceOperation) or, with --offline, this
 * process does it with the engine (driver-offline.ts). The two commands
 * differ only in their words (a driver or none, --try) and the engine call.
 */

import type { PciAddress } from "../../common/index.js";
import type { DriverEngine, OperationResult, PlannedOperation } from "../../driver/index.js";
import type { CliIo } from "../command.js";
import { CONNECTION_FLAGS, endpointOf, timeoutMsOf } from "../daemon/connection-flags.js";
import { deviceSelector } from "../daemon/device-selector.js";
import { withDaemon } from "../daemon/open-daemon.js";
import { runDeviceOperation } from "../daemon/run-device-operation.js";
import { EXIT_OK } from "../exit-codes.js";
import { type FlagValues, parseFlags } from "../flags.js";
import {
  HOST_FLAGS,
  type HostRoots,
  type OfflineHost,
  operationDocument,
  progressPrinter,
  realHost,
  rejectDaemonFlags,
  rejectOfflineFlags,
  renderDone,
  renderPlan,
  takeAllow,
  withEngine,
} from "./driver-offline.js";

/** The flags of bind and restore (bind adds --try). */
export const MOVE_FLAGS = {
  ...CONNECTION_FLAGS,
  ...HOST_FLAGS,
  force: { type: "boolean" },
  "dry-run": { type: "boolean" },
  persist: { type: "boolean" },
} as const;

/** Seconds a bind or restore waits for the daemon by default. */
const MOVE_TIMEOUT_SECONDS = 120;

/** What the operator asked: a bind to `driver`, or a restore (`driver` null). */
export interface MoveRequest {
  kind: "bind" | "restore";
  device: string;
  driver: string | null;
  /** `bind --try`: the confirmation window; null otherwise (refused offline by bind). */
  confirmWithinMs: number | null;
}

type MoveFlagValues = FlagValues<typeof MOVE_FLAGS>;

/** bind or restore: its flags (MOVE_FLAGS and more) and the request its words name. */
export interface MoveCommand<S extends typeof MOVE_FLAGS> {
  name: "bind" | "restore";
  flags: S;
  /** The request; usage errors for missing or extra words. */
  request(values: FlagValues<S>, positionals: readonly string[]): MoveRequest;
}

/**
 * Runs `command` on `argv`: on this host (`hostFor` gives the real one;
 * tests pass a simulated one) offline, else through the daemon.
 */
export async function runMove<S extends typeof MOVE_FLAGS>(
  command: MoveCommand<S>,
  argv: readonly string[],
  io: CliIo,
  hostFor: (roots: HostRoots) => OfflineHost = (roots) => realHost(roots, process.pid),
): Promise<number> {
  const { argv: rest, allow } = takeAllow(command.name, argv);
  const { values, positionals } = parseFlags(command.name, rest, command.flags);
  return moveDevice(command.request(values, positionals), values, allow, io, hostFor);
}

/** Runs the move through the daemon, or offline in this process. */
async function moveDevice(
  request: MoveRequest,
  values: MoveFlagValues,
  allow: readonly string[],
  io: CliIo,
  hostFor: (roots: HostRoots) => OfflineHost,
): Promise<number> {
  const command = request.kind;
  const endpoint = endpointOf(command, values, io);
  const options = { force: values.force, persist: values.persist };
  if (!values.offline) {
    rejectOfflineFlags(command, values, allow);
    const timeoutMs = timeoutMsOf(command, values, MOVE_TIMEOUT_SECONDS);
    const daemonRequest = {
      kind: request.kind,
      selector: deviceSelector(request.device),
      driver: request.driver,
      ...options,
      dryRun: values["dry-run"],
      confirmWithinMs: request.confirmWithinMs,
    };
    return withDaemon(endpoint, { timeoutMs }, (client) =>
      runDeviceOperation(client, daemonRequest, io, { json: values.json, timeoutMs }),
    );
  }
  rejectDaemonFlags(command, endpoint, values);
  const offline = { command, endpoint, values, allow, hostFor, io };
  const document = (done: PlannedOperation | OperationResult) =>
    operationDocument(request.kind, done, options);
  if (values["dry-run"]) {
    return withEngine({ ...offline, mode: "read" }, async ({ engine }) => {
      const planned = await engineCall(engine, request, options).plan(
        await engine.resolve(request.device),
      );
      io.stdout.write(values.json ? document(planned) : renderPlan(planned));
      return EXIT_OK;
    });
  }
  return withEngine({ ...offline, mode: "write" }, async ({ engine }) => {
    const call = engineCall(engine, request, options);
    const address = await engine.resolve(request.device);
    engine.subscribe(progressPrinter(io));
    const result = await call.run(address);
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    const verb =
      request.driver === null
        ? `restored to ${result.state.driver ?? "its kernel driver"}`
        : `bound to ${request.driver}`;
    io.stdout.write(values.json ? document(result) : renderDone(verb, result));
    return EXIT_OK;
  });
}

/** The engine's plan and run of the request; the driver is checked before the device is looked up. */
function engineCall(
  engine: DriverEngine,
  request: MoveRequest,
  options: { force: boolean; persist: boolean },
): {
  plan(device: PciAddress): Promise<PlannedOperation>;
  run(device: PciAddress): Promise<OperationResult>;
} {
  if (request.driver === null) {
    return {
      plan: (device) => engine.planRestore(device, options),
      run: (device) => engine.restore(device, options),
    };
  }
  const driver = engine.parseDriver(request.driver);
  return {
    plan: (device) => engine.planBind(device, driver, options),
    run: (device) => engine.bind(device, driver, options),
  };
}
