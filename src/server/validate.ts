/**
 * Request validation at the edge: every string a client sends is parsed by
 * its strict parser before the core sees it, so the core only ever receives
 * branded values. Failures are INVALID_ARGUMENT naming the field.
 */

import { isConfirmWindow } from "../common/confirm-window.js";
import type { EniId, PciAddress } from "../common/index.js";
import { AgentError, isAgentError, quoteInput } from "../common/index.js";
import { parseOwner } from "../intents/index.js";
import {
  DEFAULT_DRIVER_ALLOWLIST,
  isOperationId,
  parseDriverName,
  parseEniId,
  parseInterfaceName,
  parseMac,
  parsePciAddress,
} from "../sysfs/parse.js";
import type {
  AgentEventKind,
  BindRequest,
  DeviceSelector,
  OperationQuery,
  RestoreRequest,
} from "./core-types.js";
import type { BindDeviceRequest__Output } from "./generated/eniagent/v1/BindDeviceRequest.js";
import type { DeviceSelector__Output } from "./generated/eniagent/v1/DeviceSelector.js";
import type { ListOperationsRequest__Output } from "./generated/eniagent/v1/ListOperationsRequest.js";
import type { RestoreDeviceRequest__Output } from "./generated/eniagent/v1/RestoreDeviceRequest.js";
import type { WatchEventsRequest__Output } from "./generated/eniagent/v1/WatchEventsRequest.js";
import type { Duration__Output } from "./generated/google/protobuf/Duration.js";
import { EVENT_KIND, fromProtoName } from "./proto-enums.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

const PAGE_TOKEN = /^[A-Za-z0-9._~=-]{1,512}$/;

/** Runs a parser; its INVALID_ARGUMENT gets the field name in front. */
export function field<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (isAgentError(err) && err.code === "INVALID_ARGUMENT") {
      throw new AgentError("INVALID_ARGUMENT", `${name}: ${err.message}`, {
        remedy: err.remedy,
        cause: err,
      });
    }
    throw err;
  }
}

function invalid(message: string, remedy: string): AgentError {
  return new AgentError("INVALID_ARGUMENT", message, { remedy });
}

export function parseSelector(selector: DeviceSelector__Output | null): DeviceSelector {
  switch (selector?.selector) {
    case "pciAddress":
      return {
        by: "pci",
        pciAddress: field("selector.pci_address", () => parsePciAddress(selector.pciAddress ?? "")),
      };
    case "interfaceName":
      return {
        by: "interface",
        interfaceName: field("selector.interface_name", () =>
          parseInterfaceName(selector.interfaceName ?? ""),
        ),
      };
    case "macAddress":
      return {
        by: "mac",
        mac: field("selector.mac_address", () => parseMac(selector.macAddress ?? "")),
      };
    case "eniId":
      return { by: "eni", eniId: field("selector.eni_id", () => parseEniId(selector.eniId ?? "")) };
    default:
      throw invalid(
        "selector: exactly one of pci_address, interface_name, mac_address or eni_id must be set",
        "name the device, e.g. pci_address 0000:00:06.0 or eni_id eni-0123456789abcdef0",
      );
  }
}

export function parseBindRequest(
  request: BindDeviceRequest__Output,
  driverAllowlist: readonly string[] = DEFAULT_DRIVER_ALLOWLIST,
): BindRequest {
  const selector = parseSelector(request.selector);
  if (request.driver === "") {
    throw invalid("driver: must be set", `name one of: ${driverAllowlist.join(", ")}`);
  }
  return {
    selector,
    driver: field("driver", () => parseDriverName(request.driver, driverAllowlist)),
    force: request.force,
    dryRun: request.dryRun,
    persist: request.persist,
    confirmWithinMs:
      request.confirmWithin === null ? null : parseConfirmWithin(request.confirmWithin),
  };
}

/** A proto Duration → whole milliseconds within the confirmation bounds. */
function parseConfirmWithin(duration: Duration__Output): number {
  const seconds = Number(duration.seconds);
  const ms = seconds * 1000 + duration.nanos / 1_000_000;
  if (!isConfirmWindow(ms)) {
    throw invalid(
      `confirm_within: must be from 1 s to 24 h in whole milliseconds, got ${duration.seconds} s ${duration.nanos} ns`,
      "pass e.g. 60 s; leave it unset for an ordinary bind",
    );
  }
  return ms;
}

export function parseRestoreRequest(request: RestoreDeviceRequest__Output): RestoreRequest {
  return {
    selector: parseSelector(request.selector),
    force: request.force,
    dryRun: request.dryRun,
    persist: request.persist,
  };
}

export function parseOperationId(input: string): string {
  if (!isOperationId(input)) {
    throw invalid(
      `operation_id: not an operation id: ${quoteInput(input)}`,
      "use an id from BindDevice, RestoreDevice or ListOperations (1–128 of [A-Za-z0-9._-])",
    );
  }
  return input;
}

function optionalPci(name: string, input: string): PciAddress | null {
  return input === "" ? null : field(name, () => parsePciAddress(input));
}

export function parseOperationQuery(request: ListOperationsRequest__Output): OperationQuery {
  if (request.pageSize > MAX_PAGE_SIZE) {
    throw invalid(
      `page_size: ${request.pageSize} is more than ${MAX_PAGE_SIZE}`,
      `ask for at most ${MAX_PAGE_SIZE} and follow next_page_token`,
    );
  }
  if (request.pageToken !== "" && !PAGE_TOKEN.test(request.pageToken)) {
    throw invalid(
      `page_token: not a page token: ${quoteInput(request.pageToken)}`,
      "pass next_page_token from the previous response unchanged",
    );
  }
  return {
    pciAddress: optionalPci("pci_address", request.pciAddress),
    pageSize: request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize,
    pageToken: request.pageToken === "" ? null : request.pageToken,
  };
}

export interface WatchFilter {
  /** null: every kind. */
  kinds: ReadonlySet<AgentEventKind> | null;
  pciAddress: PciAddress | null;
  /** Contract events of this owner only; null: all. */
  owner: string | null;
  /** Events about this ENI only; null: all. */
  eniId: EniId | null;
}

export function parseWatchFilter(request: WatchEventsRequest__Output): WatchFilter {
  const kinds = new Set<AgentEventKind>();
  for (const name of request.kinds) {
    const kind = fromProtoName(EVENT_KIND, name);
    if (kind === undefined) {
      throw invalid(
        `kinds: unknown event kind ${quoteInput(name)}`,
        "leave kinds empty for every event, or name EventKind values other than UNSPECIFIED",
      );
    }
    kinds.add(kind);
  }
  return {
    kinds: kinds.size === 0 ? null : kinds,
    pciAddress: optionalPci("pci_address", request.pciAddress),
    owner: request.owner === "" ? null : field("owner", () => parseOwner(request.owner)),
    eniId: request.eniId === "" ? null : field("eni_id", () => parseEniId(request.eniId)),
  };
}
