import { bytes, int, object, oneOf, string } from '../schema.js';
import { SCRAM_MECHANISMS } from '../sasl/scram-mechanism.js';

/** A SCRAM credential on the wire: what the client computed from the password; the password itself never travels. */
export const scramCredentialField = () => object({
  mechanism: oneOf(...SCRAM_MECHANISMS),
  salt: bytes(),
  iterations: int({ min: 4096 }),
  storedKey: bytes(),
  serverKey: bytes(),
});

export const userName = () => string();
