/** The daemon's version: the package's, bundled into the build (no file read at run time). */
import pkg from "../../package.json" with { type: "json" };

export const AGENT_VERSION: string = pkg.version;
