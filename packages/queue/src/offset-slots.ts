/**
 * Values by offset over a window that grows at its end and is dropped from its front: a ring of slots indexed by
 * offset - base rather than a Map, since a share partition's window holds a value for (nearly) every offset in
 * it. A get, set or drop is an array index, with no hashing and no per-entry allocation; the ring doubles when the
 * window outgrows it and is never copied otherwise (a window that moves along reuses the slots its front left).
 *
 * Slots with no value hold `empty` (undefined unless given): numeric slots given a number stay an array of unboxed
 * doubles in V8, which the garbage collector does not scan, rather than an array of boxed numbers. A get in the
 * span held (from the front to the highest offset set) returns `empty` where no value is set; outside it, undefined.
 */
export class OffsetSlots<T> {
  private ring: (T | undefined)[];
  /** ring.length - 1: the ring's length is a power of two. */
  private mask: number;
  /** The offset of the front, and its slot in the ring. */
  private base = 0;
  private head = 0;
  /** Offsets held: [base, base + held). */
  private held = 0;

  constructor(private readonly empty: T | undefined = undefined) {
    this.ring = this.emptyRing(16);
    this.mask = 15;
  }

  get(offset: number): T | undefined {
    const i = offset - this.base;
    return i >= 0 && i < this.held ? this.ring[(this.head + i) & this.mask] : undefined;
  }

  set(offset: number, value: T): void {
    if (this.held === 0) {
      this.base = offset;
      this.head = 0;
    }
    let i = offset - this.base;
    if (i < 0) {
      // Before the front (a window moved back, as a reset to the earliest offset does, or a set below the front
      // after a drop): rare, so the ring is laid out again with room in front.
      this.relayout(this.held - i, -i);
      this.base = offset;
      i = 0;
    } else if (i > this.mask) {
      this.relayout(i + 1, 0);
    }
    this.ring[(this.head + i) & this.mask] = value;
    if (i >= this.held) this.held = i + 1;
  }

  delete(offset: number): void {
    const i = offset - this.base;
    if (i >= 0 && i < this.held) this.ring[(this.head + i) & this.mask] = this.empty;
  }

  /** Drops every value below `offset`. */
  dropBefore(offset: number): void {
    const n = Math.min(offset - this.base, this.held);
    if (n <= 0) return;
    // Cleared as they leave, so that the ring holds no value it no longer stands for (nor keeps it alive).
    for (let k = 0; k < n; k++) this.ring[(this.head + k) & this.mask] = this.empty;
    this.head = (this.head + n) & this.mask;
    this.base += n;
    this.held -= n;
  }

  /** Drops every value; the next offsets start at `offset`. */
  clear(offset: number): void {
    this.ring = this.emptyRing(16);
    this.mask = 15;
    this.base = offset;
    this.head = 0;
    this.held = 0;
  }

  /** A ring of at least `room` slots with the values held moved `shift` slots on, starting at slot 0. */
  private relayout(room: number, shift: number): void {
    let size = this.ring.length;
    while (size < room) size *= 2;
    const ring = this.emptyRing(size);
    for (let k = 0; k < this.held; k++) ring[shift + k] = this.ring[(this.head + k) & this.mask];
    this.ring = ring;
    this.mask = size - 1;
    this.head = 0;
    this.held += shift;
  }

  /** Filled one by one, so that V8 keeps the array packed (and unboxed, for numbers). */
  private emptyRing(size: number): (T | undefined)[] {
    const ring: (T | undefined)[] = [];
    for (let k = 0; k < size; k++) ring.push(this.empty);
    return ring;
  }
}
