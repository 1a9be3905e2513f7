/**
 * A bound on how far one batch's records may inflate. A few compressed kilobytes can inflate to gigabytes
 * (zstd and gzip of repeated bytes), and a producer's batch is inflated on arrival: without a bound one small
 * request could exhaust the broker's memory. No real batch comes near it.
 */
export const MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** Thrown by a codec that stops inflating at the bound; the caller turns it into a typed KlogError. */
export class InflateLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`records inflate past ${limit} bytes`);
  }
}
