/**
 * Strict checking of one journal record. A checksum proves a record is
 * whole, not that it is sane: a record can come from an older agent, a bug,
 * or someone with write access to the state directory. Recovery builds sysfs
 * paths and payloads from these fields, so every one goes through the
 * parsers that guard the API (PCI address, driver name, MAC, interface name,
 * operation id) and the rule the planner writes overrides by; anything else
 * makes the whole record a reported, skipped problem.
 */

import { isConfirmWindow } from "../common/confirm-window.js";
import {
  isInterfaceName,
  isMac,
  isOperationId,
  isPciAddress,
  parseKernelDriverName,
  parsePciAddress,
} from "../sysfs/index.js";
import { isWritableOverride } from "./plan-transaction.js";

const KINDS = ["bind", "restore", "repair", "drift"];
const OUTCOMES = ["committed", "rolled_back", "rollback_failed", "superseded"];
const CONFIRMERS = ["request", "probe"];
const HEX4 = /^[0-9a-f]{4}$/;
const TEXT = /^[\x20-\x7e]{0,256}$/;

/** Why `record` is not a valid version-1 record, or null when it is. */
export function recordProblem(record: Record<string, unknown>): string | null {
  try {
    checkRecord(record);
    return null;
  } catch (err) {
    if (err instanceof BadField) return err.message;
    throw err;
  }
}

class BadField extends Error {}

type Obj = Record<string, unknown>;
type Check = (value: unknown, path: string) => void;

function bad(path: string, why: string): never {
  throw new BadField(`${path}: ${why}`);
}

function checkRecord(r: Obj): void {
  time(r.at, "at");
  switch (r.type) {
    case "begin":
      header(r.op, "op");
      return;
    case "stuck":
      operationId(r.id, "id");
      nullable(state)(r.observed, "observed");
      errorSummary(r.error, "error");
      return;
    case "end":
      operationId(r.id, "id");
      oneOf(OUTCOMES)(r.outcome, "outcome");
      nullable(state)(r.observed, "observed");
      nullable(errorSummary)(r.error, "error");
      if (r.deadline !== undefined) {
        if (r.outcome !== "committed") bad("deadline", "set on an operation that did not commit");
        time(r.deadline, "deadline");
      }
      return;
    case "confirmed":
      operationId(r.id, "id");
      oneOf(CONFIRMERS)(r.by, "by");
      return;
    default:
      bad("type", `unknown record type ${quote(r.type)}`);
  }
}

function header(value: unknown, path: string): void {
  const op = object(value, path);
  operationId(op.id, `${path}.id`);
  oneOf(KINDS)(op.kind, `${path}.kind`);
  pci(op.device, `${path}.device`);
  nullable(driver)(op.driver, `${path}.driver`);
  const target = object(op.target, `${path}.target`);
  nullable(driver)(target.driver, `${path}.target.driver`);
  nullable(override)(target.override, `${path}.target.override`);
  nullable(mac)(target.mac, `${path}.target.mac`);
  const ofDevice = snapshotOf(op.device as string);
  ofDevice(op.snapshot, `${path}.snapshot`);
  nullable(ofDevice)(op.home, `${path}.home`);
  list(step)(op.steps, `${path}.steps`);
  boolean(op.force, `${path}.force`);
  // Any names: shown to people, and a guard a newer agent added must not
  // drop the operation from recovery after a downgrade.
  if (op.overriddenGuards !== undefined)
    list(string)(op.overriddenGuards, `${path}.overriddenGuards`);
  time(op.startedAt, `${path}.startedAt`);
  // Absent in records of agents that did not journal who asked.
  if (op.request !== undefined) request(op.request, `${path}.request`);
  if (op.confirmWithinMs !== undefined) {
    if (op.kind !== "bind") bad(`${path}.confirmWithinMs`, "set on an operation that is no bind");
    if (!isConfirmWindow(op.confirmWithinMs)) {
      bad(`${path}.confirmWithinMs`, "not a whole number of ms from 1 s to 24 h");
    }
  }
  if (op.reverts !== undefined) {
    if (op.kind !== "restore") bad(`${path}.reverts`, "set on an operation that is no restore");
    operationId(op.reverts, `${path}.reverts`);
  }
}

/**
 * Shown to people, never written to sysfs. Any string, like an error
 * message: a caller identity from a certificate may be long or non-ASCII,
 * and a check that refused it would drop the operation from recovery.
 */
function request(value: unknown, path: string): void {
  const r = object(value, path);
  nullable(string)(r.requestedBy, `${path}.requestedBy`);
  boolean(r.persist, `${path}.persist`);
  boolean(r.reapply, `${path}.reapply`);
}

/** A snapshot of `device`: one naming another device is not this operation's. */
function snapshotOf(device: string): Check {
  return (value, path) => {
    const s = object(value, path);
    pci(s.address, `${path}.address`);
    if (s.address !== device) bad(`${path}.address`, "is not the operation's device");
    hex4(s.vendor, `${path}.vendor`);
    hex4(s.device, `${path}.device`);
    nullable(driver)(s.driver, `${path}.driver`);
    nullable(override)(s.driverOverride, `${path}.driverOverride`);
    nullable(interfaceName)(s.interface, `${path}.interface`);
    nullable(mac)(s.mac, `${path}.mac`);
    nullable(integer)(s.mtu, `${path}.mtu`);
    nullable(text)(s.operstate, `${path}.operstate`);
    nullable(integer)(s.numaNode, `${path}.numaNode`);
    nullable(iommuGroup)(s.iommuGroup, `${path}.iommuGroup`);
    time(s.takenAt, `${path}.takenAt`);
  };
}

/** What the engine saw: shown to people, never written back, so its override is any bounded text. */
function state(value: unknown, path: string): void {
  const s = object(value, path);
  pci(s.address, `${path}.address`);
  nullable(driver)(s.driver, `${path}.driver`);
  nullable(bounded)(s.override, `${path}.override`);
  list(netInterface)(s.interfaces, `${path}.interfaces`);
  nullable(iommuGroup)(s.iommuGroup, `${path}.iommuGroup`);
  nullable(text)(s.devNode, `${path}.devNode`);
}

function netInterface(value: unknown, path: string): void {
  const n = object(value, path);
  interfaceName(n.name, `${path}.name`);
  nullable(mac)(n.mac, `${path}.mac`);
  nullable(integer)(n.mtu, `${path}.mtu`);
  nullable(text)(n.operstate, `${path}.operstate`);
}

function step(value: unknown, path: string): void {
  const s = object(value, path);
  switch (s.kind) {
    case "set-override":
      override(s.value, `${path}.value`);
      return;
    case "clear-override":
      return;
    case "unbind":
    case "bind":
      driver(s.driver, `${path}.driver`);
      return;
    default:
      bad(`${path}.kind`, `unknown step ${quote(s.kind)}`);
  }
}

function iommuGroup(value: unknown, path: string): void {
  const g = object(value, path);
  integer(g.id, `${path}.id`);
  boolean(g.noiommu, `${path}.noiommu`);
}

function errorSummary(value: unknown, path: string): void {
  const e = object(value, path);
  text(e.code, `${path}.code`);
  string(e.message, `${path}.message`);
  for (const key of ["errno", "path", "remedy"]) {
    if (e[key] !== undefined) string(e[key], `${path}.${key}`);
  }
}

// --- one field ------------------------------------------------------------------

function nullable(check: Check): Check {
  return (value, path) => {
    if (value !== null) check(value, path);
  };
}

function list(check: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) bad(path, "not a list");
    for (const [i, item] of value.entries()) check(item, `${path}[${i}]`);
  };
}

function oneOf(allowed: readonly string[]): Check {
  return (value, path) => {
    if (!allowed.includes(value as string)) bad(path, `not one of ${allowed.join(", ")}`);
  };
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    bad(path, "not an object");
  }
  return value as Obj;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string") bad(path, "not a string");
  return value;
}

function boolean(value: unknown, path: string): void {
  if (typeof value !== "boolean") bad(path, "not a boolean");
}

function integer(value: unknown, path: string): void {
  if (!Number.isSafeInteger(value)) bad(path, "not an integer");
}

/** Printable ASCII, at most 256 characters: states and codes shown to people. */
function text(value: unknown, path: string): void {
  if (!TEXT.test(string(value, path))) bad(path, "not printable text");
}

function bounded(value: unknown, path: string): void {
  if (string(value, path).length > 4096) bad(path, "longer than 4096 characters");
}

function time(value: unknown, path: string): void {
  if (Number.isNaN(Date.parse(string(value, path)))) bad(path, "not a time");
}

function hex4(value: unknown, path: string): void {
  if (!HEX4.test(string(value, path))) bad(path, "not 4 lower-case hex digits");
}

function operationId(value: unknown, path: string): void {
  if (!isOperationId(string(value, path))) bad(path, `not an operation id: ${quote(value)}`);
}

/** The canonical form only: a device is a map key and a path component. */
function pci(value: unknown, path: string): void {
  const s = string(value, path);
  if (!isPciAddress(s) || parsePciAddress(s) !== s) bad(path, `not a PCI address: ${quote(s)}`);
}

function driver(value: unknown, path: string): void {
  const s = string(value, path);
  try {
    parseKernelDriverName(s);
  } catch {
    bad(path, `not a driver name: ${quote(s)}`);
  }
}

function override(value: unknown, path: string): void {
  if (!isWritableOverride(string(value, path))) {
    bad(path, "not a driver_override value one write can set");
  }
}

function mac(value: unknown, path: string): void {
  if (!isMac(string(value, path))) bad(path, "not a MAC address");
}

function interfaceName(value: unknown, path: string): void {
  if (!isInterfaceName(string(value, path))) bad(path, `not an interface name: ${quote(value)}`);
}

function quote(value: unknown): string {
  return JSON.stringify(String(value).slice(0, 64));
}
