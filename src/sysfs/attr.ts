/**
 * Small helpers for reading sysfs attributes: text clean-up, and the errors
 * that mean "not there (any more)" rather than "broken".
 */
import { isAgentError } from "../common/index.js";

/** Strips the one trailing newline sysfs adds; keeps any other whitespace (it can matter). */
export function chomp(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** "0x1D0F" → "1d0f". */
export function hex(text: string): string {
  return text.trim().replace(/^0x/i, "").toLowerCase();
}

export function basename(target: string): string {
  const slash = target.lastIndexOf("/");
  return slash < 0 ? target : target.slice(slash + 1);
}

/** ENOENT/ENOTDIR, and ENODEV (kernfs answers it for a removed device's open file). */
function isVanished(err: unknown): boolean {
  return isAgentError(err) && (err.code === "NOT_FOUND" || err.errno === "ENODEV");
}

export async function vanishedAsNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}

/** Optional attributes: absent, vanished or not readable by this user → null. */
export async function optional<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (isVanished(err) || (isAgentError(err) && err.code === "PERMISSION_DENIED")) return null;
    throw err;
  }
}
