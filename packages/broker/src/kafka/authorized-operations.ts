/**
 * Kafka's "authorized operations" bit fields (Metadata v8+, DescribeGroups v3+, DescribeCluster). klog has no
 * access control, so a client that asks is told every operation is allowed; one that does not ask gets
 * INT32_MIN, Kafka's "not given". Bits are Kafka's AclOperation codes.
 */
const READ = 3;
const WRITE = 4;
const CREATE = 5;
const DELETE = 6;
const ALTER = 7;
const DESCRIBE = 8;
const CLUSTER_ACTION = 9;
const DESCRIBE_CONFIGS = 10;
const ALTER_CONFIGS = 11;
const IDEMPOTENT_WRITE = 12;

export const OPERATIONS_NOT_GIVEN = -2147483648;

const bits = (...ops: number[]): number => ops.reduce((sum, op) => sum | (1 << op), 0);

export const ALL_TOPIC_OPERATIONS = bits(READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS);
export const ALL_CLUSTER_OPERATIONS = bits(CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE);
