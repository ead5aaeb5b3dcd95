#!/usr/bin/env bash
# Builds deploy/docker/Dockerfile with buildah (no Docker daemon) where Docker Hub is
# out of reach, then smoke-tests the image the way Kubernetes runs it.
#
# The Dockerfile is used unchanged; only its base images are replaced through
# RUST_IMAGE and RUNTIME_IMAGE by local ones made from Debian's own packages:
#   - debian:bookworm-slim -> a bookworm root made by debootstrap (minbase);
#   - rust:bookworm        -> the same plus gcc/libc6-dev and this machine's Rust
#                             toolchain (rustc --print sysroot).
# The smoke test runs the image's root filesystem read-only, as UID 65532, with a
# tmpfs /tmp and a writable data dir (like the chart's pod): vmafx scores the samples,
# vmafx-server answers /healthz, /readyz, /metrics and an authenticated /v1 route and
# stops on SIGTERM, and the chart's batch script pushes to a fake Pushgateway.
#
# Usage (root; apt-get install buildah debootstrap):
#   deploy/docker/build-local.sh [FLAVOUR [CONTEXT]]
# FLAVOUR: cpu (default), nvidia, amd, intel. CONTEXT: the workspace to build (default:
# this repository); it must contain vmafx-server. Takes ~10 minutes on 2 cores.
# Not part of CI: too slow, and it needs buildah and root.
set -euo pipefail
FLAVOUR=${1:-cpu}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONTEXT=$(cd "${2:-$ROOT}" && pwd)
WORK=${VMAFX_IMAGE_WORK:-$ROOT/target/image-build}
# chroot isolation needs no OCI runtime or user namespaces; storage is buildah's default.
export BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}
BASE=localhost/vmafx-local/debian:bookworm-slim
RUST=localhost/vmafx-local/rust:bookworm
IMAGE=localhost/vmafx/vmafx:0.1.0-$FLAVOUR
PORT=18080
mkdir -p "$WORK"

step() { echo "== $*"; }

if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
    step "base: debootstrap bookworm -> $BASE"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log"
    tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
    c=$(buildah from scratch)
    buildah add "$c" "$WORK/rootfs.tar" / >/dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash "$c"
    buildah commit -q "$c" "$BASE" >/dev/null
    buildah rm "$c" >/dev/null
    rm -rf "$WORK/rootfs" "$WORK/rootfs.tar"
fi

if ! buildah inspect --type image "$RUST" >/dev/null 2>&1; then
    sysroot=$(rustc --print sysroot)
    step "builder: $BASE + gcc + $(rustc --version) -> $RUST"
    tar -C "$sysroot" -cf "$WORK/toolchain.tar" bin lib libexec etc
    c=$(buildah from "$BASE")
    buildah run "$c" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev binutils make pkg-config ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*'
    buildah add "$c" "$WORK/toolchain.tar" /usr/local/rust/ >/dev/null
    buildah config --env CARGO_HOME=/usr/local/cargo \
        --env CARGO_HTTP_CAINFO=/run/vmafx-host-ca.crt --env PIP_CERT=/run/vmafx-host-ca.crt \
        --env SSL_CERT_FILE=/run/vmafx-host-ca.crt \
        --env PATH=/usr/local/cargo/bin:/usr/local/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$c"
    buildah commit -q "$c" "$RUST" >/dev/null
    buildah rm "$c" >/dev/null
    rm -f "$WORK/toolchain.tar"
fi

step "buildah bud GPU_FLAVOUR=$FLAVOUR ($CONTEXT) -> $IMAGE"
# The host's CA bundle is mounted for the build steps only, beside the system bundle
# rather than over it (so that stages installing ca-certificates still can), and the
# local Rust image points cargo, pip and OpenSSL at it: they trust the same TLS roots as
# this machine (behind an intercepting proxy). The runtime image keeps none of it.
started=$(date +%s)
buildah bud --layers \
    --volume /etc/ssl/certs/ca-certificates.crt:/run/vmafx-host-ca.crt:ro \
    --ignorefile "$ROOT/deploy/docker/Dockerfile.dockerignore" \
    -f "$ROOT/deploy/docker/Dockerfile" \
    --build-arg RUST_IMAGE="$RUST" --build-arg RUNTIME_IMAGE="$BASE" \
    --build-arg GPU_FLAVOUR="$FLAVOUR" -t "$IMAGE" "$CONTEXT" >"$WORK/bud-$FLAVOUR.log" 2>&1 ||
    { tail -30 "$WORK/bud-$FLAVOUR.log"; exit 1; }
echo "built in $(($(date +%s) - started)) s; log: $WORK/bud-$FLAVOUR.log"

step "image config"
buildah inspect --type image --format \
    'user={{.OCIv1.Config.User}} entrypoint={{.OCIv1.Config.Entrypoint}} cmd={{.OCIv1.Config.Cmd}} volumes={{.OCIv1.Config.Volumes}} ports={{.OCIv1.Config.ExposedPorts}}{{println}}' "$IMAGE"
buildah inspect --type image --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$IMAGE" | grep -E '^(VMAFX|NVIDIA)_' | sed 's/^/env /'
[ "$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$IMAGE")" = "65532:65532" ]

step "smoke test: read-only root, UID 65532"
ctr=$(buildah from "$IMAGE")
mnt=$(buildah mount "$ctr")
data=$(mktemp -d "$WORK/data.XXXXXX")
chown 65532:65532 "$data"
mkdir -p "$mnt/media" "$mnt/etc/vmafx/batch" "$mnt/etc/vmafx/auth" "$mnt/proc" "$mnt/dev"
# The token file as the chart mounts it from its Secret (one token a line).
mkdir -p "$data/auth" && echo smoke-test-token-0123456789 >"$data/auth/tokens"
printf 'crf32\t/media/testsrc2_352x288.ref.y4m\t/media/testsrc2_352x288.x265_crf32.dist.y4m\n' >"$data/pairs.tsv"
cp "$ROOT/deploy/helm/vmafx/files/vmafx-batch.sh" "$data/vmafx-batch.sh"
pushed="$data/pushed.txt"
python3 - "$pushed" <<'PY' &
import http.server, sys
out = sys.argv[1]
class Gateway(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with open(out, "a") as f:
            f.write(f"PUT {self.path}\n{body}")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
server = http.server.HTTPServer(("127.0.0.1", 19091), Gateway)
server.timeout = 1
for _ in range(300):
    server.handle_request()
PY
gateway_pid=$!

cleanup() {
    kill "$gateway_pid" 2>/dev/null || true
    buildah umount "$ctr" >/dev/null 2>&1 || true
    buildah rm "$ctr" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Inside a private mount namespace: the image's root read-only, like the pod.
unshare -m bash -euo pipefail -s "$mnt" "$data" "$ROOT/samples" "$PORT" <<'OUTER'
mnt=$1 data=$2 samples=$3 port=$4
mount --bind "$mnt" "$mnt" && mount -o remount,bind,ro "$mnt"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$mnt/tmp"
mount --bind "$data" "$mnt/var/lib/vmafx"
mount --bind "$samples" "$mnt/media" && mount -o remount,bind,ro "$mnt/media"
mount --bind "$data" "$mnt/etc/vmafx/batch" && mount -o remount,bind,ro "$mnt/etc/vmafx/batch"
mount --bind "$data/auth" "$mnt/etc/vmafx/auth" && mount -o remount,bind,ro "$mnt/etc/vmafx/auth"
mount -t proc proc "$mnt/proc"
mount --rbind /dev "$mnt/dev"
chroot --userspec=65532:65532 "$mnt" /usr/bin/env -i \
    PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent TMPDIR=/tmp \
    VMAFX_LISTEN=127.0.0.1:$port VMAFX_DATA_DIR=/var/lib/vmafx VMAFX_DB=/var/lib/vmafx/jobs.sqlite3 \
    VMAFX_ROOTS=/media VMAFX_BACKEND=cpu VMAFX_API_TOKENS_FILE=/etc/vmafx/auth/tokens \
    VMAFX_SHUTDOWN_GRACE=5 \
    /bin/sh -eu -s <<'INNER'
echo "uid=$(id -u) gid=$(id -g)"
if touch /usr/local/bin/probe 2>/dev/null; then echo "root filesystem is writable" >&2; exit 1; fi
echo "root filesystem: read-only"
vmafx --version
vmafx -r /media/testsrc2_352x288.ref.y4m -d /media/testsrc2_352x288.x265_crf32.dist.y4m \
    --json -o /var/lib/vmafx/cli.json -q
echo "CLI: vmaf mean $(jq .pooled_metrics.vmaf.mean /var/lib/vmafx/cli.json)"
vmafx-server serve >/tmp/server.log 2>&1 &
server=$!
url="http://127.0.0.1:${VMAFX_LISTEN##*:}"
i=0
until curl -fsS "$url/healthz" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/server.log; exit 1; }; sleep 0.2
done
echo "server: /healthz $(curl -fsS "$url/healthz")"
echo "server: /readyz $(curl -fsS "$url/readyz")"
echo "server: /metrics $(curl -fsS "$url/metrics" | grep -c '^vmafx_') vmafx_ samples"
echo "server: /v1/backends without token -> $(curl -s -o /dev/null -w '%{http_code}' "$url/v1/backends")"
echo "server: /v1/backends with token -> $(curl -s -o /dev/null -w '%{http_code}' \
    -H "Authorization: Bearer $(cat /etc/vmafx/auth/tokens)" "$url/v1/backends")"
kill -TERM $server
wait $server && echo "server: exited 0 after SIGTERM" || { echo "server exit $?"; cat /tmp/server.log; exit 1; }
head -1 /tmp/server.log
VMAFX_BATCH_PAIRS_FILE=/etc/vmafx/batch/pairs.tsv VMAFX_BATCH_OUTPUT_DIR=/var/lib/vmafx/results \
VMAFX_PUSHGATEWAY_URL=http://127.0.0.1:19091 VMAFX_PUSHGATEWAY_JOB=smoke \
    sh /etc/vmafx/batch/vmafx-batch.sh --feature psnr
INNER
OUTER
echo "pushed: $(head -1 "$pushed"), $(grep -c '^vmafx_pooled_score' "$pushed") scores, $(grep '^vmafx_batch_success' "$pushed")"
ls -l "$data"
step "image $IMAGE: smoke test passed"
