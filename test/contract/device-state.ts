/**
 * A device's state as the facts write it — `drv=e1000e ovr=(null) net=eth0`,
 * `drv=vfio-pci ovr="vfio-pci" vfio-dev=vfio0`, `drv=- ovr="uio_pci_generic"
 * uio=uio0` — read through the Sysfs port, and driven to a wanted state with
 * nothing but the writes a real kernel allows (unbind, driver_override,
 * bind).
 */
import type { Sysfs } from "../../src/sysfs/sysfs.js";

export interface DevState {
  /** Bound driver, null when unbound. */
  drv: string | null;
  /** driver_override, null when unset. */
  ovr: string | null;
  /** Interface names, comma-separated; absent when the device has none. */
  net?: string;
  /** `vfio-dev/*` entries, comma-separated. */
  vfioDev?: string;
  /** `uio/*` entries, comma-separated. */
  uio?: string;
}

const NOTATION =
  /^drv=(\S+) ovr=(\(null\)|"(?:[^"\\]|\\.)*")(?: net=(\S+))?(?: vfio-dev=(\S+))?(?: uio=(\S+))?$/;

/** Parses the facts' notation (short values only; long overrides are built in code). */
export function parseState(text: string): DevState {
  const m = NOTATION.exec(text);
  if (!m) throw new Error(`bad state notation: ${text}`);
  const state: DevState = {
    drv: m[1] === "-" ? null : m[1]!,
    ovr: m[2] === "(null)" ? null : (JSON.parse(m[2]!) as string),
  };
  if (m[3] !== undefined) state.net = m[3];
  if (m[4] !== undefined) state.vfioDev = m[4];
  if (m[5] !== undefined) state.uio = m[5];
  return state;
}

/** The facts' notation; values over 64 characters show as `"xxxxxxxxxxxx"…(N chars)`. */
export function renderState(state: DevState): string {
  const parts = [
    `drv=${state.drv ?? "-"}`,
    `ovr=${state.ovr === null ? "(null)" : quote(state.ovr)}`,
  ];
  if (state.net !== undefined) parts.push(`net=${state.net}`);
  if (state.vfioDev !== undefined) parts.push(`vfio-dev=${state.vfioDev}`);
  if (state.uio !== undefined) parts.push(`uio=${state.uio}`);
  return parts.join(" ");
}

/** A value as the facts show it: JSON, cut after 12 characters when longer than 64. */
export function quote(text: string): string {
  return text.length > 64
    ? `${JSON.stringify(text.slice(0, 12))}…(${text.length} chars)`
    : JSON.stringify(text);
}

export function sameState(a: DevState, b: DevState): boolean {
  return renderFull(a) === renderFull(b);
}

function renderFull(s: DevState): string {
  return JSON.stringify([s.drv, s.ovr, s.net ?? null, s.vfioDev ?? null, s.uio ?? null]);
}

/** Reads a device's state through the port. */
export async function readState(sysfs: Sysfs, address: string): Promise<DevState> {
  const dir = `bus/pci/devices/${address}`;
  const entries = await sysfs.list(dir);
  const has = (name: string) => entries.includes(name);
  const drv = has("driver") ? basename(await sysfs.readlink(`${dir}/driver`)) : null;
  const rawOvr = (await sysfs.read(`${dir}/driver_override`)).replace(/\n$/, "");
  const state: DevState = { drv, ovr: rawOvr === "(null)" ? null : rawOvr };
  const netDirs = [
    ...(has("net") ? [`${dir}/net`] : []),
    ...entries.filter((e) => /^virtio[0-9]+$/.test(e)).map((e) => `${dir}/${e}/net`),
  ];
  const names: string[] = [];
  for (const netDir of netDirs) {
    if (await sysfs.exists(netDir)) names.push(...(await sysfs.list(netDir)));
  }
  if (names.length > 0) state.net = names.sort().join(",");
  if (has("vfio-dev")) state.vfioDev = (await sysfs.list(`${dir}/vfio-dev`)).join(",");
  if (has("uio")) state.uio = (await sysfs.list(`${dir}/uio`)).join(",");
  return state;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The errno of a failed port call; "REFUSED" when the adapter refused without one. */
export function errnoOf(err: unknown): string {
  const e = err as { errno?: unknown; code?: unknown };
  if (typeof e.errno === "string") return e.errno;
  if (e.code === "INVALID_ARGUMENT") return "REFUSED";
  return typeof e.code === "string" ? e.code : String(err);
}

/** Writes and returns "OK" or the errno name; never throws. */
export async function tryWrite(
  sysfs: Sysfs,
  path: string,
  data: string | Uint8Array,
): Promise<string> {
  try {
    await sysfs.write(path, data);
    return "OK";
  } catch (err) {
    return errnoOf(err);
  }
}

/**
 * Drives a device to `want` (driver and override; the netdev, vfio and uio
 * entries follow from the driver) with unbind, driver_override and bind.
 * Returns null on success, else what went wrong.
 */
export async function establish(
  sysfs: Sysfs,
  address: string,
  want: DevState,
): Promise<string | null> {
  let cur = await readState(sysfs, address);
  const steps: string[] = [];
  const write = async (path: string, data: string) => {
    const result = await tryWrite(sysfs, path, data);
    steps.push(
      `${path} ← ${JSON.stringify(data.length > 20 ? `${data.slice(0, 20)}…` : data)}: ${result}`,
    );
    return result;
  };
  const setOverride = (ovr: string | null) =>
    write(`bus/pci/devices/${address}/driver_override`, ovr ?? "\n");
  if (cur.drv !== null && cur.drv !== want.drv) {
    await write(`bus/pci/drivers/${cur.drv}/unbind`, address);
  }
  cur = await readState(sysfs, address);
  if (want.drv !== null && cur.drv === null) {
    // Bind under an override that lets this driver match, then set the wanted one.
    await setOverride(want.ovr === want.drv ? want.drv : null);
    await write(`bus/pci/drivers/${want.drv}/bind`, address);
    cur = await readState(sysfs, address);
  }
  if (cur.ovr !== want.ovr) await setOverride(want.ovr);
  cur = await readState(sysfs, address);
  if (cur.drv === want.drv && cur.ovr === want.ovr) return null;
  return `could not reach ${renderState(want)} (have ${renderState(cur)}): ${steps.join("; ")}`;
}
