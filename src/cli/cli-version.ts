/** This command's version: the package's, bundled into the build (no file read at run time). */
export async function cliVersion(): Promise<string> {
  const pkg = await import("../../package.json", { with: { type: "json" } });
  return pkg.default.version;
}
