import { defineApi } from '../api-definition.js';
import { bytes } from '../schema.js';

export const saslAuthenticate = defineApi({
  name: 'saslAuthenticate',
  summary: 'One step of the SASL exchange: client-first then client-final SCRAM messages (RFC 5802), answered with server-first and server-final.',
  minVersion: 0,
  maxVersion: 0,
  request: { authBytes: bytes() },
  response: { authBytes: bytes() },
});
