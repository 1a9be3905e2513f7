/**
 * The states of one record in a share partition, with Kafka's ids (RecordState in KIP-932; ARCHIVING from
 * KIP-1191), which are also what the state topic stores. A record delayed by a release or by its
 * deliver-at header is AVAILABLE with a not-before time, not a state of its own.
 */
export const RecordState = {
  AVAILABLE: 0,
  ACQUIRED: 1,
  ACKNOWLEDGED: 2,
  /** Archived, but its dead letter is not written yet: it still holds the start offset back. */
  ARCHIVING: 3,
  ARCHIVED: 4,
} as const;

export type RecordStateId = (typeof RecordState)[keyof typeof RecordState];

export function isRecordStateId(value: unknown): value is RecordStateId {
  return value === 0 || value === 1 || value === 2 || value === 3 || value === 4;
}

/** Done: the start offset may move past it. */
export function isFinished(state: RecordStateId): boolean {
  return state === RecordState.ACKNOWLEDGED || state === RecordState.ARCHIVED;
}
