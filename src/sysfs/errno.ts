import { AgentError, type ErrorCode } from "../common/index.js";

/**
 * Maps an errno name to a canonical code. Done once, here, for every adapter
 * of the Sysfs port; callers then branch on `code` and `errno`.
 */
export function codeForErrno(errno: string | undefined): ErrorCode {
  switch (errno) {
    case "ENOENT":
    case "ENOTDIR":
      return "NOT_FOUND";
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return "PERMISSION_DENIED";
    case "EBUSY":
    case "EAGAIN":
    case "EINTR":
      return "UNAVAILABLE";
    case "ENODEV":
    case "EINVAL":
    case "EEXIST":
    case "ENXIO":
      return "FAILED_PRECONDITION";
    case "ETIMEDOUT":
      return "DEADLINE_EXCEEDED";
    default:
      return "INTERNAL";
  }
}

export type SysfsOperation = "read" | "write" | "readlink" | "list" | "exists" | "open";

/** Builds the typed error for a failed sysfs operation. */
export function sysfsError(
  operation: SysfsOperation,
  path: string,
  errno: string,
  cause?: unknown,
): AgentError {
  return new AgentError(codeForErrno(errno), `${operation} ${path}: ${errno}`, {
    errno,
    syscall: operation,
    path,
    cause,
  });
}

/** Validates a port path: relative, no empty, "." or ".." components, no NUL. */
export function checkPortPath(path: string, operation: SysfsOperation): void {
  const bad =
    path.length === 0 ||
    path.startsWith("/") ||
    path.includes("\0") ||
    path.split("/").some((part) => part === "" || part === "." || part === "..");
  if (bad) {
    throw new AgentError("INVALID_ARGUMENT", `${operation}: refused path ${JSON.stringify(path)}`, {
      syscall: operation,
      path,
    });
  }
}
