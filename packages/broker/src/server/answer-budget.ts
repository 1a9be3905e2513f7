/**
 * The bytes of answers one connection may hold: room reserved by requests whose answers can be large (fetches),
 * from before they read until their answer is handed to the socket, plus what the socket has not sent yet.
 * Pausing the socket's reads alone is not enough: requests already read, each computing an answer of megabytes,
 * would still all be held at once. Reservations are granted in request order, so a later request never takes the
 * room an earlier one — whose answer has to be written first — is waiting for.
 */
export class AnswerBudget {
  private reserved = 0;
  private closed = false;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(private readonly limit: number, private readonly unsent: () => number) {}

  /**
   * Waits until `wanted` bytes (capped at the limit) fit, reserves them, and resolves with the bytes granted. With
   * nothing held at all, any size fits: one answer larger than the limit can always go.
   */
  reserve(wanted: number): Promise<number> {
    const bytes = Math.min(wanted, this.limit);
    return new Promise((resolve) => {
      this.waiting.push({ bytes, grant: () => resolve(bytes) });
      this.grantWaiting();
    });
  }

  /** The answer of a reservation was handed to the socket (whose own buffer now counts instead). */
  release(bytes: number): void {
    this.reserved -= bytes;
    this.grantWaiting();
  }

  /** The socket sent what it held: room may have opened up. */
  drained(): void {
    this.grantWaiting();
  }

  /** The connection is gone: let every waiting request finish (their answers are dropped). */
  close(): void {
    this.closed = true;
    this.grantWaiting();
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && (this.closed || this.fits(this.waiting[0].bytes))) {
      const next = this.waiting.shift()!;
      this.reserved += next.bytes;
      next.grant();
    }
  }

  private fits(bytes: number): boolean {
    const held = this.reserved + this.unsent();
    return held === 0 || held + bytes <= this.limit;
  }
}
