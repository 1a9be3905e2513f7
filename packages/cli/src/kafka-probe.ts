import { connect } from 'node:net';

/** How long the probe waits for an answer: a listener that answers at all answers at once. */
const PROBE_MS = 1_000;

/**
 * Whether `address` answers as a Kafka listener: it gets Kafka's ApiVersions request (version 0, the one every
 * Kafka broker accepts) and must answer with a frame carrying the same correlation id. Used only after klog's
 * own protocol failed there, to tell a person they gave the Kafka port (`--kafka-port`) instead of the native one.
 */
export function isKafkaListener(address: string): Promise<boolean> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  const CORRELATION_ID = 0x6b6c6f67;
  const clientId = Buffer.from('klog-cli');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2); // version 0
  body.writeInt32BE(CORRELATION_ID, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return new Promise((resolve) => {
    if (!(port > 0)) return resolve(false);
    let got = Buffer.alloc(0);
    const socket = connect({ host, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_MS, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('connect', () => socket.write(Buffer.concat([size, body])));
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 8) done(got.readInt32BE(4) === CORRELATION_ID);
    });
  });
}
