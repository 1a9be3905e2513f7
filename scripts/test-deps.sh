#!/bin/sh
# Installs the outside programs the tests drive: the Kafka client tools of the Kafka-protocol tests (test/kafka),
# kcat, kafka-python and confluent-kafka (Debian's python3-kafka and python3-confluent-kafka, imported by
# /usr/bin/python3), and the browser of the web
# console's tests (test/console): Debian's chromium, with a font to render text. Only when one is missing and we
# run as root; otherwise it says why and carries on, so that the tests themselves report what is missing.
# Always exits 0: a missing tool is the tests' failure to report, not this script's.

log() { echo "test-deps: $*" >&2; }

missing=""
command -v kcat >/dev/null 2>&1 || missing="$missing kcat"
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || missing="$missing python3-kafka"
/usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || missing="$missing python3-confluent-kafka"
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-dejavu-core"
# node-rdkafka (a devDependency) compiles its bundled librdkafka at `pnpm install`, which runs after this script:
# node-gyp needs g++, make and python3; librdkafka's configure finds zlib, OpenSSL and zstd through pkg-config and
# their headers, and silently builds without gzip, TLS or zstd when they are missing (snappy and lz4 are bundled).
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -x /usr/bin/python3 ] || missing="$missing python3"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
[ -f /usr/include/zlib.h ] || missing="$missing zlib1g-dev"
[ -f /usr/include/openssl/ssl.h ] || missing="$missing libssl-dev"
[ -f /usr/include/zstd.h ] || missing="$missing libzstd-dev"

if [ -z "$missing" ]; then
  log "kcat, python3-kafka, python3-confluent-kafka, chromium and node-rdkafka's build tools are present"
  exit 0
fi
log "missing:$missing"
if [ "$(id -u)" != "0" ]; then
  log "not root: not installing; install them with: sudo apt-get install -y$missing"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "no apt-get on this machine: install$missing by hand"
  exit 0
fi
log "running apt-get update"
if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >&2; then
  log "apt-get update failed; the tests will report what is missing"
  exit 0
fi
log "running apt-get install -y --no-install-recommends$missing"
# $missing is a list of package names: word splitting is intended.
# shellcheck disable=SC2086
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2; then
  log "apt-get install failed; the tests will report what is missing"
fi
exit 0
