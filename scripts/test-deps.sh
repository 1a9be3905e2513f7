#!/bin/sh
# Installs the outside programs the tests drive: the Kafka client tools of the Kafka-protocol tests (test/kafka),
# kcat, kafka-python and confluent-kafka (Debian's python3-kafka and python3-confluent-kafka, imported by
# /usr/bin/python3), node-rdkafka (built into test/kafka/clients/node-rdkafka, outside the workspace), and the
# browser of the web console's tests (test/console): Debian's chromium, with a font to render text. Only when one
# is missing and we run as root; otherwise it says why and carries on, so that the tests themselves report what is
# missing. Always exits 0: a missing tool is the tests' failure to report, not this script's.

log() { echo "test-deps: $*" >&2; }

RDKAFKA_DIR="$(dirname "$0")/../test/kafka/clients/node-rdkafka"

# Debian packages: the client tools, the browser, and what node-rdkafka's build needs. node-gyp needs g++, make
# and python3; librdkafka's configure finds zlib, OpenSSL and zstd through pkg-config and their headers, and
# silently builds without gzip, TLS or zstd when they are missing (snappy and lz4 are bundled).
install_debian_packages() {
  missing=""
  command -v kcat >/dev/null 2>&1 || missing="$missing kcat"
  /usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || missing="$missing python3-kafka"
  /usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || missing="$missing python3-confluent-kafka"
  [ -x /usr/bin/chromium ] || missing="$missing chromium fonts-dejavu-core"
  command -v g++ >/dev/null 2>&1 || missing="$missing g++"
  command -v make >/dev/null 2>&1 || missing="$missing make"
  [ -x /usr/bin/python3 ] || missing="$missing python3"
  command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
  [ -f /usr/include/zlib.h ] || missing="$missing zlib1g-dev"
  [ -f /usr/include/openssl/ssl.h ] || missing="$missing libssl-dev"
  [ -f /usr/include/zstd.h ] || missing="$missing libzstd-dev"

  if [ -z "$missing" ]; then
    log "kcat, python3-kafka, python3-confluent-kafka, chromium and node-rdkafka's build tools are present"
    return 0
  fi
  log "missing:$missing"
  if [ "$(id -u)" != "0" ]; then
    log "not root: not installing; install them with: sudo apt-get install -y$missing"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "no apt-get on this machine: install$missing by hand"
    return 0
  fi
  log "running apt-get update"
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -q >&2; then
    log "apt-get update failed; the tests will report what is missing"
    return 0
  fi
  log "running apt-get install -y --no-install-recommends$missing"
  # $missing is a list of package names: word splitting is intended.
  # shellcheck disable=SC2086
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2; then
    log "apt-get install failed; the tests will report what is missing"
  fi
}

# node-rdkafka compiles the librdkafka it ships (a few minutes on two cores, offline, from its npm package alone).
# It lives in a directory of its own with its own lockfile, so that `npm start` never builds it; once built, the
# binary is kept and this step is skipped.
install_node_rdkafka() {
  if [ -f "$RDKAFKA_DIR/node_modules/node-rdkafka/build/Release/node-librdkafka.node" ]; then
    log "node-rdkafka is built"
    return 0
  fi
  log "building node-rdkafka in test/kafka/clients/node-rdkafka (npm ci; compiles librdkafka, takes minutes)"
  if ! (cd "$RDKAFKA_DIR" && npm ci --no-audit --no-fund >&2); then
    log "node-rdkafka did not build; test/kafka/node-rdkafka.test.ts will say so"
  fi
}

install_debian_packages
install_node_rdkafka
exit 0
