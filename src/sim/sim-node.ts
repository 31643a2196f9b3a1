/**
 * The nodes of the simulated sysfs tree. The tree is not stored between
 * state changes: a directory computes its entries from the kernel state when
 * first asked and remembers the nodes it made, and the kernel starts a new
 * tree after every change (SimKernel's state version), so the tree can never
 * disagree with the model. Files show and store against the live state. Links hold their target as an
 * absolute path (components under the sysfs root); `readlink` renders it
 * relative to the link's directory the way kernfs does.
 */
import type { StoreOutcome } from "./driver-core.js";

/** What reading an attribute yields: its bytes, or the errno its show() returns. */
type ShowResult = string | Uint8Array | { errno: string };

interface SimFile {
  kind: "file";
  /** Absent for write-only attributes: reading them is EACCES. */
  show?: () => ShowResult | Promise<ShowResult>;
  /** Absent for read-only attributes: opening them for writing is EACCES. */
  store?: (bytes: Uint8Array) => StoreOutcome;
}

export interface SimDir {
  kind: "dir";
  entries(): string[];
  child(name: string): SimNode | undefined;
}

interface SimLink {
  kind: "link";
  /** Absolute target, as path components under the sysfs root. */
  target: readonly string[];
}

export type SimNode = SimFile | SimDir | SimLink;

type Thunk = () => SimNode | undefined;

/** A small directory given as name → node factory; undefined factories are left out. */
export function dir(children: Record<string, Thunk | undefined>): SimDir {
  const present = (): [string, Thunk][] =>
    Object.entries(children).filter((e): e is [string, Thunk] => e[1] !== undefined);
  return {
    kind: "dir",
    entries: () => present().map(([name]) => name),
    child: remembered((name) => (Object.hasOwn(children, name) ? children[name]?.() : undefined)),
  };
}

/** A directory with many entries: listing and lookup supplied separately. */
export function bigDir(
  entries: () => string[],
  child: (name: string) => SimNode | undefined,
): SimDir {
  return { kind: "dir", entries, child: remembered(child) };
}

/** `make`, called at most once per name. */
function remembered(
  make: (name: string) => SimNode | undefined,
): (name: string) => SimNode | undefined {
  const made = new Map<string, SimNode | undefined>();
  return (name) => {
    if (made.has(name)) return made.get(name);
    const node = make(name);
    made.set(name, node);
    return node;
  };
}

export function ro(show: () => ShowResult | Promise<ShowResult>): SimFile {
  return { kind: "file", show };
}

export function wo(store: (bytes: Uint8Array) => StoreOutcome): SimFile {
  return { kind: "file", store };
}

export function rw(
  show: () => ShowResult | Promise<ShowResult>,
  store: (bytes: Uint8Array) => StoreOutcome,
): SimFile {
  return { kind: "file", show, store };
}

export function link(target: readonly string[]): SimLink {
  return { kind: "link", target };
}

/**
 * The relative text of a link, as kernfs_get_target_path() builds it: climb
 * from the link's directory until reaching an ancestor of the target's
 * parent, then descend. E.g. `class/net/eth0/device` → "../../../0000:01:00.0".
 */
export function relativeLink(linkDir: readonly string[], target: readonly string[]): string {
  const parent = target.slice(0, -1);
  let common = 0;
  while (common < linkDir.length && common < parent.length && linkDir[common] === parent[common]) {
    common++;
  }
  const ups = Array.from({ length: linkDir.length - common }, () => "..");
  return [...ups, ...target.slice(common)].join("/");
}
