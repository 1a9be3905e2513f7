import { saslHandshakeApi } from '../../../src/kafka/apis/sasl-handshake.js';
import { goldenCase } from './golden-case.js';

// Per version: a fresh connection choosing SCRAM-SHA-256 on a plaintext listener (PLAIN is not offered there).
export default goldenCase({
  api: saslHandshakeApi,
  request: () => ({ mechanism: 'SCRAM-SHA-256' }),
});
