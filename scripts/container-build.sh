#!/usr/bin/env bash
# Builds the eni-agent image with podman from Debian packages only, then
# runs it: `eni-agent --version`, and `serve --simulate` until it says it is
# ready. Needs root (mmdebstrap, podman) and `npm run build` done.
#
#   bash scripts/container-build.sh            # build and smoke-test localhost/eni-agent:<version>
#   IMAGE_KEEP_BASE=1 bash scripts/...         # reuse an existing base image
#
# The base is Debian trixie (Node.js 20 from Debian; bookworm's is 18,
# older than the agent's engines field), made with mmdebstrap from the
# host's configured Debian mirror and imported into podman; nothing comes
# from a container registry.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=localhost/eni-agent-base:trixie
VERSION=$(node -p 'require("./package.json").version')
IMAGE=localhost/eni-agent:$VERSION
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need podman || ! need mmdebstrap || ! need runc; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc mmdebstrap >/dev/null
fi

# Where these machines run podman: cgroups are mounted in hybrid mode, which
# crun refuses (runc does not), and the hard limits are below podman's
# default ulimits, which the runtime may not raise.
PODMAN=(podman --runtime runc --cgroup-manager=cgroupfs)
RUN=("${PODMAN[@]}" run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

if [[ -z "${IMAGE_KEEP_BASE:-}" ]] || ! "${PODMAN[@]}" image exists "$BASE"; then
  mmdebstrap --quiet --variant=minbase --include=nodejs,kmod,ca-certificates \
    trixie "$WORK/rootfs.tar"
  "${PODMAN[@]}" import --quiet "$WORK/rootfs.tar" "$BASE" >/dev/null
  rm -f "$WORK/rootfs.tar"
fi

# The build context: what `npm install -g` of a packed tarball would hold,
# with the production dependencies only.
ctx="$WORK/context"
mkdir -p "$ctx"
cp -r bin dist proto systemd package.json package-lock.json "$ctx/"
(cd "$ctx" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
"${PODMAN[@]}" build --quiet -f deploy/container/Containerfile -t "$IMAGE" "$ctx" >/dev/null

# Smoke test: the CLI runs, and the daemon starts on the simulator.
"${RUN[@]}" "$IMAGE" --version
"${RUN[@]}" --entrypoint /usr/sbin/modprobe "$IMAGE" --version | head -1
log="$WORK/serve.log"
"${RUN[@]}" --name eni-agent-smoke "$IMAGE" serve --simulate >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if grep -q "simulated EC2 host ready" "$log"; then break; fi
  sleep 1
done
"${PODMAN[@]}" stop --time 10 eni-agent-smoke >/dev/null 2>&1 || true
wait "$pid" || true
if ! grep -q "simulated EC2 host ready" "$log"; then
  echo "the daemon did not start in the image:" >&2
  cat "$log" >&2
  exit 1
fi
echo "image $IMAGE built; eni-agent serves in it"
