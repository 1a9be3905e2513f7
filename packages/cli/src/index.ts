// Public API of @klog/cli: the command line as a function, and the pieces other tools may reuse.
export { main } from './main.js';
export { compileFormat, toJsonLine, DEFAULT_FORMAT } from './format.js';
export { parseDuration, parseTimePoint } from './duration.js';
export { parseSize } from './size.js';
export { resolveBrokerAddress, DEFAULT_BROKER } from './broker-address.js';
