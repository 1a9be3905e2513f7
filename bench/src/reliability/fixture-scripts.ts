import { fileURLToPath } from 'node:url';

/**
 * The child-process scripts of the reliability suite live with its tests (test/reliability/fixtures); this
 * module sits at the same depth in bench/src and bench/dist, so one relative path finds them from both.
 */
const FIXTURES = new URL('../../../test/reliability/fixtures/', import.meta.url);

export const BROKER_SCRIPT = fileURLToPath(new URL('broker-process.mjs', FIXTURES));
export const GROUP_CONSUMER_SCRIPT = fileURLToPath(new URL('group-consumer-process.mjs', FIXTURES));
export const COMPACTING_STORE_SCRIPT = fileURLToPath(new URL('compacting-store-process.mjs', FIXTURES));
