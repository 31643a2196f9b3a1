/**
 * Where the CLI (and a controller, through "eni-agent/client") looks for
 * the daemon when neither --socket nor ENI_AGENT_SOCKET names it: the
 * system daemon's socket, else the socket a `serve --simulate` of this user
 * left in its default place. The second rule is what lets `eni-agent serve
 * --simulate` in one shell and a plain `eni-agent bind ens6 vfio-pci` (or
 * the example controller) in another work without flags.
 */
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";

/** The system daemon's main socket (systemd's RuntimeDirectory). */
export const DEFAULT_SOCKET_PATH = "/run/eni-agent/eni-agent.sock";

type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_RUNTIME_DIR/eni-agent`, else `$TMPDIR/eni-agent-<uid>`: private to the user. */
export function simulatedBaseDir(env: Env): string {
  const runtime = env.XDG_RUNTIME_DIR ?? "";
  return runtime.startsWith("/")
    ? join(runtime, "eni-agent")
    : join(env.TMPDIR || "/tmp", `eni-agent-${currentUid()}`);
}

/**
 * The user's uid for a per-user directory name. os.userInfo() throws when
 * the uid has no passwd entry (minimal guests, some containers): such a user
 * still gets a stable name rather than a crash of every daemon command.
 */
function currentUid(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return "nouser";
  }
}

/** The socket `serve --simulate` listens on when not told otherwise. */
export function simulatedSocketPath(env: Env): string {
  return join(simulatedBaseDir(env), "eni-agent.sock");
}

interface DefaultSocket {
  path: string;
  /** True when the system socket is absent and a simulated daemon's socket was found. */
  simulated: boolean;
}

/** The socket to use when no flag or variable names one. */
export function defaultSocket(
  env: Env,
  exists: (path: string) => boolean = existsSync,
): DefaultSocket {
  if (exists(DEFAULT_SOCKET_PATH)) return { path: DEFAULT_SOCKET_PATH, simulated: false };
  const simulated = simulatedSocketPath(env);
  if (exists(simulated)) return { path: simulated, simulated: true };
  return { path: DEFAULT_SOCKET_PATH, simulated: false };
}
