#!/bin/sh
# Type-checks the tests (vitest runs them with their types stripped, so a wrong type there would go unnoticed).
# node-rdkafka's types come from its build by scripts/test-deps.sh; where that build could not run, its test is
# skipped at run time, and left out here.
set -e
cd "$(dirname "$0")/.."
if [ -f test/kafka/clients/node-rdkafka/node_modules/node-rdkafka/index.d.ts ]; then
  exec npx tsc -p tsconfig.test.json
fi
echo "typecheck: node-rdkafka is not built; leaving out test/kafka/node-rdkafka.test.ts"
exec npx tsc -p tsconfig.test-no-rdkafka.json
